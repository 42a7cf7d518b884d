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
/// POST /lua (one EVALSHA of the seckill-like script against the same Redis, nothing else). No logging, no auth,
/// no middleware: the ceiling the shop's endpoints are compared to in the same run.
/// </summary>
public sealed class BaselineServerCommand : AsyncCommand<BaselineServerSettings>
{
    public static string Script { get; } = ReadScript();

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
        var tag = "{bl}";
        RedisKey[] keys = [$"{settings.Prefix}{tag}:stock", $"{settings.Prefix}{tag}:buyers", $"{settings.Prefix}{tag}:log"];
        await db.KeyDeleteAsync(keys);
        await db.StringSetAsync(keys[0], long.MaxValue / 2);
        var loaded = await redis.GetServers()[0].ScriptLoadAsync(Script);

        app.MapGet("/json", () => Results.Json(new Reply(true, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
        app.MapPost("/lua", async () =>
        {
            var user = Random.Shared.NextInt64(1, long.MaxValue);
            var result = (long)await db.ScriptEvaluateAsync(loaded, keys, [user, 1]);
            return Results.Json(new Reply(result == 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), statusCode: 202);
        });
        try { await app.RunAsync(ct); }
        finally { await db.KeyDeleteAsync(keys); }
        return 0;
    }

    private static string ReadScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("seckill-like.lua")!;
        return new StreamReader(stream).ReadToEnd();
    }

    private sealed record Reply(bool Ok, long ServerTimeMs);
}
