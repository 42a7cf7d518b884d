using System.Collections.Concurrent;
using Mall.LoadTests.Cli;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Shop;
using StackExchange.Redis;

namespace Mall.LoadTests.Scenarios;

/// <summary>
/// An abuse check, not a speed race: virtual users guess passwords for a few accounts from one address, and do not
/// pay the proof of work. The throttle must hold however many guesses are in flight together: exactly the
/// per-account limit of each account is answered 401 before it is locked (429), the address gets exactly its
/// threshold of failures before every further sign-in from it is asked for a challenge (428), and then a shopper
/// behind the same address who knows the password and solves the challenge still signs in. The throttle counters of
/// the bench accounts and of loopback are removed before and after, so the run leaves no lock-out behind.
/// </summary>
public sealed class LoginScenario(LoginSettings settings) : Scenario
{
    private static readonly string[] LoopbackAddresses = ["127.0.0.1", "::1", "::ffff:127.0.0.1"];
    private IReadOnlyList<BenchUser> _accounts = [];
    private readonly ConcurrentDictionary<string, int> _unauthorizedPerAccount = new();
    private readonly ConcurrentDictionary<int, int> _statuses = new();

    public override string Name => "login";
    public override string Description =>
        $"wrong passwords for {settings.Accounts} accounts from one address (limits: {settings.AccountLimit}/account, challenge after {settings.ChallengeAfter}/address)";

    public override IReadOnlyList<RatioTarget> Targets => [];

    public override string Operation => "guesses answered by the throttle (401, 428, 429)";
    public override long CompletedOperations(IReadOnlyList<StepSummary> steps) => Succeeded(steps, "login");

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken ct)
    {
        _accounts = await context.Shop.InsertShoppersAsync(settings.Accounts, ct);
        await ClearThrottleAsync(context);
    }

    public override IReadOnlyList<Phase> Phases => [new("guess", async (context, ct) =>
    {
        var account = _accounts[(int)(context.Index % _accounts.Count)].Account;
        var result = await context.StepAsync("login", () => Send(HttpMethod.Post, "/api/v1/auth/login",
            new { account, password = $"wrong-guess-{context.Index}" }), Only(401, 428, 429), ct);
        _statuses.AddOrUpdate(result.Status, 1, (_, n) => n + 1);
        if (result.Status == 401) _unauthorizedPerAccount.AddOrUpdate(account, 1, (_, n) => n + 1);
    })];

    public override async Task<ScenarioOutcome> VerifyAsync(ScenarioContext context, CancellationToken ct)
    {
        var (signedIn, signInDetail) = await RightPasswordBehindTheAddressAsync(context, ct);
        await ClearThrottleAsync(context);
        // The shop counts every guess before its (slow) password check, atomically per key, so no guess in flight
        // slips past a limit.
        var unauthorized = _statuses.GetValueOrDefault(401);
        var throttled = _statuses.GetValueOrDefault(429);
        var challenged = _statuses.GetValueOrDefault(428);
        var worstAccount = _unauthorizedPerAccount.IsEmpty ? 0 : _unauthorizedPerAccount.Values.Max();
        var others = _statuses.Where(s => s.Key is not (401 or 428 or 429)).Sum(s => s.Value);
        var expectedUnauthorized = Math.Min(settings.ChallengeAfter, settings.Accounts * settings.AccountLimit);
        var checks = new List<Check>
        {
            new("the address is asked for challenges once past its threshold", challenged > 0 || unauthorized < settings.ChallengeAfter,
                $"{challenged:N0} × 428, {throttled:N0} × 429 after {unauthorized} × 401"),
            new($"per-account limit holds (≤ {settings.AccountLimit})", worstAccount <= settings.AccountLimit,
                $"most 401s for one account: {worstAccount}"),
            new($"per-address threshold holds (≤ {settings.ChallengeAfter} failures without a challenge)", unauthorized <= settings.ChallengeAfter,
                $"401s from this address: {unauthorized}"),
            new("the limits are reached, not undershot", unauthorized >= expectedUnauthorized,
                $"{unauthorized} × 401, expected {expectedUnauthorized} before throttling"),
            new("no other outcome (no 200, no 5xx, no transport error)", others == 0,
                others == 0 ? "only 401, 428 and 429" : string.Join(", ", _statuses.Where(s => s.Key is not (401 or 428 or 429)).Select(s => $"{s.Value} × {(s.Key == 0 ? "no answer" : s.Key)}"))),
            new("a shopper behind the same address signs in after the challenge", signedIn, signInDetail),
        };
        return new ScenarioOutcome(checks, null, []);
    }

    /// <summary>A fresh account registered through the API; its right password is asked for a challenge (the address is
    /// past its threshold) and signs in once the challenge is solved.</summary>
    private static async Task<(bool, string)> RightPasswordBehindTheAddressAsync(ScenarioContext context, CancellationToken ct)
    {
        var http = context.SetupHttp;
        var account = $"b{context.RunId}-innocent@bench.mall.local";
        const string password = "Innocent-shopper-42";
        var registered = await WithChallengeAsync(http, "register", () => Send(HttpMethod.Post, "/api/v1/auth/register", new { account, password }), ct);
        if ((int)registered.StatusCode != 201) return (false, $"registration answered {(int)registered.StatusCode}");
        using var unpaid = await http.SendAsync(Send(HttpMethod.Post, "/api/v1/auth/login", new { account, password, client = "native" }), ct);
        if ((int)unpaid.StatusCode != 428) return (false, $"the right password without a challenge answered {(int)unpaid.StatusCode}, expected 428");
        var paid = await WithChallengeAsync(http, "login", () => Send(HttpMethod.Post, "/api/v1/auth/login", new { account, password, client = "native" }), ct);
        return ((int)paid.StatusCode == 200, $"without a challenge 428, with one {(int)paid.StatusCode}");
    }

    /// <summary>Sends the request; on 428 challenge_required solves a challenge of that purpose and sends it once more.</summary>
    private static async Task<HttpResponseMessage> WithChallengeAsync(HttpClient http, string purpose, Func<HttpRequestMessage> request, CancellationToken ct)
    {
        var first = await http.SendAsync(request(), ct);
        if ((int)first.StatusCode != 428) return first;
        using var issued = await http.SendAsync(Send(HttpMethod.Post, "/api/v1/challenges", new { purpose }), ct);
        var challenge = await ReadOkAsync(issued, "POST /api/v1/challenges");
        var id = challenge.GetProperty("challengeId").GetString()!;
        var retry = request();
        retry.Headers.Add("Mall-Challenge", $"{id}:{ChallengeSolver.Solve(id, challenge.GetProperty("difficulty").GetInt32())}");
        return await http.SendAsync(retry, ct);
    }

    private async Task ClearThrottleAsync(ScenarioContext context)
    {
        var prefix = context.Settings.ResolveRedisPrefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(context.Settings.ResolveRedis());
        // The shop counts failures against the account found (its user id).
        var keys = _accounts.Select(a => (RedisKey)$"{prefix}auth:fail:u:{a.UserId}")
            .Concat(LoopbackAddresses.Select(ip => (RedisKey)$"{prefix}auth:fail:ip:{ip}")).ToArray();
        await redis.GetDatabase().KeyDeleteAsync(keys);
    }
}
