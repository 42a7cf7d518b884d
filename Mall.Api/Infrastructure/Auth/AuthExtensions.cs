using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Net.Http.Headers;
using Microsoft.IdentityModel.Tokens;

namespace Mall.Infrastructure.Auth;

public static class AuthExtensions
{
    /// <summary>SignalR's WebSocket transport cannot send headers: under this path the token may come in the query.</summary>
    private const string HubPaths = "/hubs";

    public static void AddMallAuth(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        var keys = SigningKeys.Load(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddSingleton<AccessTokenDenylist>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AccessTokenDenylist>());

        // No default *authenticate* scheme (and no single-scheme auto default): UseMallAuthentication runs the bearer
        // handler only for requests that carry credentials. Challenges and forbids still answer as Bearer.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        builder.Services
            .AddAuthentication(auth =>
            {
                auth.DefaultChallengeScheme = JwtBearerDefaults.AuthenticationScheme;
                auth.DefaultForbidScheme = JwtBearerDefaults.AuthenticationScheme;
            })
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
                        if (!context.HttpContext.Request.Path.StartsWithSegments(HubPaths)) return Task.CompletedTask;
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

    /// <summary>
    /// Authenticates requests that carry an access token (the Authorization header, or the SignalR hub's query
    /// token); anonymous requests skip the bearer handler altogether — on the anonymous catalog reads it was ~6 % of
    /// the CPU only to find no token. The outcome is the same as authenticating every request: no credentials, the
    /// anonymous user; a bad token, the anonymous user too, and protected endpoints answer 401 with the bearer
    /// challenge (which explains the token's failure).
    /// A bearer token this instance has already verified, unexpired and not revoked, signs its user in straight from
    /// the validated-token cache: the bearer handler would reach the same answer from the same cache, but only after
    /// creating itself, its logger and a copy of the validation parameters, which made authentication the largest
    /// allocator of a seckill attempt. Everything else (first sight of a token, expiry, revocation, hub queries) takes
    /// the handler's path, so failures still get its explanation.
    /// </summary>
    public static void UseMallAuthentication(this WebApplication app)
    {
        var verifiedTokens = app.Services.GetRequiredService<CachingJsonWebTokenHandler>();
        var denylist = app.Services.GetRequiredService<AccessTokenDenylist>();
        app.UseAuthentication(); // ASP.NET Core's own wiring; with no default authenticate scheme it signs in no one
        app.Use(async (http, next) =>
        {
            if (!SignInVerified(http, verifiedTokens, denylist)
                && (http.Request.Headers.ContainsKey(HeaderNames.Authorization) || http.Request.Path.StartsWithSegments(HubPaths)))
            {
                var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
                if (result.Succeeded) http.User = result.Principal;
            }
            await next(http);
        });
    }

    /// <summary>Signs in the user of a single "Authorization: Bearer …" header (read the way the bearer handler reads it)
    /// whose token is verified, unexpired and not revoked; false for anything else.</summary>
    private static bool SignInVerified(HttpContext http, CachingJsonWebTokenHandler verifiedTokens, AccessTokenDenylist denylist)
    {
        var authorization = http.Request.Headers.Authorization;
        if (authorization.Count != 1 || authorization[0] is not { } value || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return false;
        var token = value.AsSpan(BearerPrefix.Length).Trim();
        if (token.IsEmpty || !verifiedTokens.TryGetVerified(token, out var identity, out var tokenId) || denylist.IsDenied(tokenId))
            return false;
        http.User = new ClaimsPrincipal(identity);
        return true;
    }

    private const string BearerPrefix = "Bearer ";
}
