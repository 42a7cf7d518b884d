namespace Mall.Features.Seckill.IssueToken;

public sealed record Response(string Token, DateTimeOffset ExpiresAt);
