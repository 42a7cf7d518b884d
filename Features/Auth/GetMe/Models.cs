namespace Mall.Features.Auth.GetMe;

public sealed record Response(long Id, string Account, string Nickname, string[] Roles, long Points);
