using System.Collections.Concurrent;
using Mall.LoadTests.Cli;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Shop;
using StackExchange.Redis;

namespace Mall.LoadTests.Scenarios;

/// <summary>
/// An abuse check, not a speed race: virtual users guess passwords for a few accounts from one address. The
/// throttle must hold: exactly the per-account and per-IP failure limits are answered 401, however many guesses
/// are in flight together, and everything after is 429. The throttle counters of the bench
/// accounts and of loopback are removed before and after, so the run leaves no lock-out behind.
/// </summary>
public sealed class LoginScenario(LoginSettings settings) : Scenario
{
    private static readonly string[] LoopbackAddresses = ["127.0.0.1", "::1", "::ffff:127.0.0.1"];
    private IReadOnlyList<BenchUser> _accounts = [];
    private readonly ConcurrentDictionary<string, int> _unauthorizedPerAccount = new();
    private readonly ConcurrentDictionary<int, int> _statuses = new();

    public override string Name => "login";
    public override string Description =>
        $"wrong passwords for {settings.Accounts} accounts from one address (limits: {settings.AccountLimit}/account, {settings.IpLimit}/IP)";

    public override IReadOnlyList<RatioTarget> Targets => [];

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken ct)
    {
        _accounts = await context.Shop.InsertShoppersAsync(settings.Accounts, ct);
        await ClearThrottleAsync(context);
    }

    public override IReadOnlyList<Phase> Phases => [new("guess", async (context, ct) =>
    {
        var account = _accounts[(int)(context.Index % _accounts.Count)].Account;
        var result = await context.StepAsync("login", () => Send(HttpMethod.Post, "/api/v1/auth/login",
            new { account, password = $"wrong-guess-{context.Index}" }), Only(401, 429), ct);
        _statuses.AddOrUpdate(result.Status, 1, (_, n) => n + 1);
        if (result.Status == 401) _unauthorizedPerAccount.AddOrUpdate(account, 1, (_, n) => n + 1);
    })];

    public override async Task<ScenarioOutcome> VerifyAsync(ScenarioContext context, CancellationToken ct)
    {
        await ClearThrottleAsync(context);
        // The shop counts every guess before its (slow) password check, so no guess in flight slips past a limit.
        var unauthorized = _statuses.GetValueOrDefault(401);
        var throttled = _statuses.GetValueOrDefault(429);
        var worstAccount = _unauthorizedPerAccount.IsEmpty ? 0 : _unauthorizedPerAccount.Values.Max();
        var others = _statuses.Where(s => s.Key is not (401 or 429)).Sum(s => s.Value);
        var expectedUnauthorized = Math.Min(settings.IpLimit, settings.Accounts * settings.AccountLimit);
        var checks = new List<Check>
        {
            new("429s appear once the limit is reached", throttled > 0, $"{throttled:N0} × 429 after {unauthorized} × 401"),
            new($"per-account limit holds (≤ {settings.AccountLimit})", worstAccount <= settings.AccountLimit,
                $"most 401s for one account: {worstAccount}"),
            new($"per-IP limit holds (≤ {settings.IpLimit})", unauthorized <= settings.IpLimit,
                $"401s from this address: {unauthorized}"),
            new("the limit is reached, not undershot", unauthorized >= expectedUnauthorized || throttled == 0,
                $"{unauthorized} × 401, expected at least {expectedUnauthorized} before throttling"),
            new("no other outcome (no 200, no 5xx, no transport error)", others == 0,
                others == 0 ? "only 401 and 429" : string.Join(", ", _statuses.Where(s => s.Key is not (401 or 429)).Select(s => $"{s.Value} × {(s.Key == 0 ? "no answer" : s.Key)}"))),
        };
        return new ScenarioOutcome(checks, null, []);
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
