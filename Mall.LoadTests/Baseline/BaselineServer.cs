using System.ComponentModel;
using System.Reflection;
using Spectre.Console.Cli;
using StackExchange.Redis;

namespace Mall.LoadTests.Baseline;

public sealed class BaselineServerSettings : CommandSettings
{
    [CommandOption("--port <PORT>")]
    [Description("Port on 127.0.0.1.")]
    public int Port { get; init; }

    [CommandOption("--redis <CONFIGURATION>")]
    public string Redis { get; init; } = "127.0.0.1:6379,password=mall-dev-redis";

    [CommandOption("--prefix <PREFIX>")]
    public string Prefix { get; init; } = "bench-baseline:";
}

/// <summary>
/// The hidden "baseline-server" command: bare Kestrel on 127.0.0.1 with GET /json (a tiny JSON answer) and
/// POST /lua (one EVALSHA of the shop's own attempt script, Features/Seckill/Attempt/Attempt.lua, with the keys and
/// arguments an accepted attempt has, against the same Redis; nothing else). No logging, no auth, no middleware:
/// the ceiling the shop's endpoints are compared to in the same run. POST /lua/tokens?count=N issues the attempt
/// tokens the next N calls consume, outside the measured phases (the shop's shoppers get theirs from the token step).
/// </summary>
public sealed class BaselineServerCommand : AsyncCommand<BaselineServerSettings>
{
    /// <summary>The shop's attempt script, embedded from the API's slice at build time: the very same Lua call.</summary>
    public static string Script { get; } = ReadScript();

    /// <summary>The per-window limits the shop uses by default (Seckill:UserAttemptsPerWindow, IpAttemptsPerWindow, RateWindow).</summary>
    private const long UserAttemptsPerWindow = 5, IpAttemptsPerWindow = 500, RateWindowMs = 1000;

    public override async Task<int> ExecuteAsync(CommandContext context, BaselineServerSettings settings, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, settings.Port));
        var app = builder.Build();

        var options = ConfigurationOptions.Parse(settings.Redis);
        options.ClientName = "mall-bench-baseline";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        var keys = new BaselineKeys(settings.Prefix);
        await db.KeyDeleteAsync(keys.Shared);
        // An activity that is open, has stock for any run and allows one unit per shopper: every call is accepted.
        await db.HashSetAsync(keys.Meta, [new("start", 0), new("end", long.MaxValue / 4), new("limit", 1), new("price", 100)]);
        await db.StringSetAsync(keys.Stock, long.MaxValue / 4);
        var loaded = await redis.GetServers()[0].ScriptLoadAsync(Script);

        long issued = 0, used = 0, cleared = 0;
        app.MapGet("/json", () => Results.Json(new Reply(true, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
        app.MapPost("/lua/tokens", async (int count) =>
        {
            var batch = db.CreateBatch();
            var sets = new List<Task>(count);
            for (var i = 0; i < count; i++)
            {
                var user = Interlocked.Increment(ref issued);
                sets.Add(batch.StringSetAsync(keys.Token(user), user, TimeSpan.FromMinutes(5)));
            }
            batch.Execute();
            await Task.WhenAll(sets);
            return Results.Json(new { issued = Interlocked.Read(ref issued) });
        });
        // The tokens of a phase would expire en masse minutes later (a used token keeps how its attempt ended until then),
        // and Redis's expiry cycle then stalls every command for up to ~25 ms at a time, in the middle of whatever is
        // measured next: every token issued since the last clear-out is deleted, used or not.
        app.MapDelete("/lua/tokens", async () =>
        {
            var to = Interlocked.Read(ref issued);
            var from = Interlocked.Exchange(ref cleared, to) + 1;
            for (var start = from; start <= to; start += 10_000)
            {
                var batch = Enumerable.Range(0, (int)Math.Min(10_000, to - start + 1)).Select(i => keys.Token(start + i)).ToArray();
                await db.KeyDeleteAsync(batch, CommandFlags.FireAndForget);
            }
            await db.PingAsync(); // the deletes went out before it on the same connection, so they are done
            return Results.Json(new { deleted = Math.Max(0, to - from + 1) });
        });
        app.MapPost("/lua", async () =>
        {
            var user = Interlocked.Increment(ref used);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(loaded,
                [keys.Meta, keys.Stock, keys.Buyers, keys.Log, keys.Token(user), keys.UserRate(user), keys.IpRate(user), keys.VerifiedHere],
                [user, 1, now, UserAttemptsPerWindow, IpAttemptsPerWindow, RateWindowMs]))!;
            // Anything but an accepted attempt (tokens ran out, say) is an error of the baseline, never a cheaper success.
            var accepted = (int)result[0] == 202;
            return Results.Json(new Reply(accepted, now), statusCode: accepted ? 202 : 500);
        });
        try { await app.RunAsync(ct); }
        finally { await db.KeyDeleteAsync(keys.Shared); }
        return 0;
    }

    private static string ReadScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Attempt.lua")!;
        return new StreamReader(stream).ReadToEnd();
    }

    private sealed record Reply(bool Ok, long ServerTimeMs);
}

/// <summary>The baseline's keys, shaped like one activity's (one hash tag). Tokens and rate counters expire on their own.</summary>
public sealed class BaselineKeys(string prefix)
{
    private readonly string _tag = prefix + "{bl}:";
    public RedisKey Meta => _tag + "meta";
    public RedisKey Stock => _tag + "stock";
    public RedisKey Buyers => _tag + "buyers";
    public RedisKey Log => _tag + "log";
    public RedisKey VerifiedHere => _tag + "here";
    public RedisKey[] Shared => [Meta, Stock, Buyers, Log, VerifiedHere];
    public RedisKey Token(long user) => _tag + "tok:" + user;
    public RedisKey UserRate(long user) => _tag + "rl:u:" + user;
    // The shop's load gives every shopper an address of its own (--client-ips 0), so one counter per call here too.
    public RedisKey IpRate(long user) => _tag + "rl:ip:" + user;
}
