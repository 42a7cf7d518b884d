using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;

namespace Mall.Infrastructure.Auth;

public static class AuthExtensions
{
    /// <summary>SignalR's WebSocket transport cannot send headers: under this path the token may come in the query.</summary>
    private const string HubPaths = "/hubs";

    public static void AddMallAuth(this WebApplicationBuilder builder)
    {
        // The bearer options are built here, from the values bound at registration; the same section is bound and
        // validated for injection too.
        var options = builder.Configuration.ReadOptions<AuthOptions>("Auth");
        var keys = SigningKeys.Load(builder.Configuration, builder.Environment);
        builder.Services.AddMallOptions<AuthOptions>("Auth").Validate(
            o => o.RefreshReuseGraceSeconds is >= 0 and <= AuthOptions.MaxRefreshReuseGraceSeconds,
            $"Auth:RefreshReuseGraceSeconds must be between 0 and {AuthOptions.MaxRefreshReuseGraceSeconds}.");
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddSingleton<AccessTokenDenylist>();
        builder.Services.AddSingleton<AccountStates>();
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
                // The challenge says "Bearer" and nothing about why a token failed (expired, bad signature, …).
                jwt.IncludeErrorDetails = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    // The current key, and during a rotation the retiring one (found by the token's kid).
                    IssuerSigningKeys = keys.VerificationKeys,
                    // Pinning the algorithm is what rejects "alg: none" and HS256-with-the-public-key tricks.
                    ValidAlgorithms = keys.VerificationAlgorithms,
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
                    OnTokenValidated = async context =>
                    {
                        var services = context.HttpContext.RequestServices;
                        if (await RefusalAsync(context.Principal, context.SecurityToken, services) is { } refusal)
                        {
                            // The signature was good, so the handler remembered the token: forget it, or the fast path
                            // would sign it in next time.
                            if (context.SecurityToken is JsonWebToken jwt) services.GetRequiredService<CachingJsonWebTokenHandler>().Forget(jwt.EncodedToken);
                            context.Fail(refusal);
                        }
                    },
                };
            });
        // Each distinct access token's signature is verified once per instance (see CachingJsonWebTokenHandler).
        builder.Services.AddMallOptions<ValidatedTokenCacheOptions>("Auth:ValidatedTokenCache");
        builder.Services.AddSingleton<CachingJsonWebTokenHandler>();
        builder.Services.AddMallOptions<BearerFastPathOptions>("Auth:BearerFastPath");
        builder.Services.AddSingleton<BearerFastPath>();
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
    /// Why a token whose signature and lifetime are good is still refused: its subject is not a user id, it (or its
    /// session) was revoked, or its account is disabled or gone. Null: accepted.
    /// </summary>
    private static async Task<string?> RefusalAsync(ClaimsPrincipal? principal, SecurityToken? token, IServiceProvider services)
    {
        var tokenId = principal?.FindFirst(MallClaims.TokenId)?.Value;
        if (tokenId is null || token is null) return "The access token has no id.";
        if (!long.TryParse(principal!.FindFirst(MallClaims.Subject)?.Value, out var userId)) return "The access token names no user.";
        if (services.GetRequiredService<AccessTokenDenylist>().IsRevoked(tokenId, principal.FindFirst(MallClaims.Session)?.Value))
            return "The access token has been revoked.";
        if (!await services.GetRequiredService<AccountStates>().IsActiveAsync(userId)) return "The account is disabled or no longer exists.";
        return null;
    }

    /// <summary>
    /// Authenticates requests that carry an access token (the Authorization header, or the SignalR hub's query
    /// token); anonymous requests skip the bearer handler altogether — on the anonymous catalog reads it was ~6 % of
    /// the CPU only to find no token. The outcome is the same as authenticating every request: no credentials, the
    /// anonymous user; a bad token, the anonymous user too, and protected endpoints answer 401 with the bearer
    /// challenge. A token this instance already verified takes the <see cref="BearerFastPath"/> when it is on
    /// (<c>Auth:BearerFastPath:Enabled</c>, docs/decisions/0001-bearer-fast-path.md).
    /// </summary>
    public static void UseMallAuthentication(this WebApplication app)
    {
        var fastPath = app.Services.GetRequiredService<BearerFastPath>();
        app.UseAuthentication(); // ASP.NET Core's own wiring; with no default authenticate scheme it signs in no one
        app.Use(async (http, next) =>
        {
            if (!fastPath.TrySignIn(http)
                && (http.Request.Headers.ContainsKey(HeaderNames.Authorization) || http.Request.Path.StartsWithSegments(HubPaths)))
            {
                var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
                if (result.Succeeded) http.User = result.Principal;
            }
            await next(http);
        });
    }
}
