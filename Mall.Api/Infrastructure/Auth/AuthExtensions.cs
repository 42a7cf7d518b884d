using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Mall.Infrastructure.Auth;

public static class AuthExtensions
{
    public static void AddMallAuth(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        var keys = SigningKeys.Load(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddSingleton<AccessTokenDenylist>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AccessTokenDenylist>());

        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    IssuerSigningKey = keys.PublicKey,
                    // Pinning the algorithm is what rejects "alg: none" and HS256-with-the-public-key tricks.
                    ValidAlgorithms = [keys.Algorithm],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = MallClaims.Subject,
                    RoleClaimType = MallClaims.Role,
                };
                jwt.Events = new JwtBearerEvents
                {
                    // SignalR's WebSocket transport cannot send headers: the hub takes the token from the query.
                    OnMessageReceived = context =>
                    {
                        // Path first: parsing the query string of every API request just to ignore it is measurable.
                        if (!context.HttpContext.Request.Path.StartsWithSegments("/hubs")) return Task.CompletedTask;
                        var token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token)) context.Token = token;
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = context =>
                    {
                        var denylist = context.HttpContext.RequestServices.GetRequiredService<AccessTokenDenylist>();
                        var tokenId = context.Principal?.FindFirst(MallClaims.TokenId)?.Value;
                        if (tokenId is null || denylist.IsDenied(tokenId)) context.Fail("The access token has been revoked.");
                        return Task.CompletedTask;
                    },
                };
            });
        // Each distinct access token's signature is verified once per instance (see CachingJsonWebTokenHandler).
        builder.Services.AddSingleton(builder.Configuration.GetSection("Auth:ValidatedTokenCache").Get<ValidatedTokenCacheOptions>()
                                      ?? new ValidatedTokenCacheOptions());
        builder.Services.AddSingleton<CachingJsonWebTokenHandler>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<CachingJsonWebTokenHandler>((jwt, handler) =>
            {
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(handler);
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.AdminOnlyPolicy, policy => policy.RequireRole(Roles.Admin));
    }
}
