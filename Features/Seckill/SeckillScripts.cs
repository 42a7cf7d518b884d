using System.Security.Cryptography;
using System.Text;
using Mall.Infrastructure;
using StackExchange.Redis;

namespace Mall.Features.Seckill;

/// <summary>A Lua file beside its slice, with its SHA1 so calls send EVALSHA (40 bytes) instead of the script.</summary>
public sealed class RedisScript(string path)
{
    public string Text { get; } = Mall.Infrastructure.Resources.Text(path);
    /// <summary>The script's file name without extension (a span's name).</summary>
    public string Name { get; } = Path.GetFileNameWithoutExtension(path);
    public byte[] Sha1 => _sha1 ??= SHA1.HashData(Encoding.UTF8.GetBytes(Text));
    private byte[]? _sha1;
}

/// <summary>
/// The feature's Redis scripts: loaded once at start (SCRIPT LOAD on every server) and called by SHA. A server
/// that lost its script cache (restart, failover, a new cluster node) answers NOSCRIPT once; the call is then
/// repeated with the script text, which loads it again.
/// </summary>
public sealed class SeckillScripts(IDatabase redis, IConnectionMultiplexer multiplexer, ILogger<SeckillScripts> logger)
{
    public static readonly RedisScript Attempt = new("Features/Seckill/Attempt/Attempt.lua");
    public static readonly RedisScript IssueToken = new("Features/Seckill/IssueToken/IssueToken.lua");
    public static readonly RedisScript Publish = new("Features/Seckill/Admin/PublishActivity/Publish.lua");
    public static readonly RedisScript ReturnStock = new("Features/Seckill/Expiry/ReturnStock.lua");
    public static readonly RedisScript Snapshot = new("Features/Seckill/Admin/ReconcileActivity/Snapshot.lua");

    private static readonly RedisScript[] All =
        [Attempt, IssueToken, Publish, ReturnStock, Snapshot, CloseOut.SeckillCloseOut.Script, Admin.CancelActivity.Canceller.Script];

    public async Task LoadAsync()
    {
        foreach (var server in multiplexer.GetServers())
        {
            try
            {
                foreach (var script in All) await server.ScriptLoadAsync(script.Text);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogWarning(e, "Could not preload the seckill scripts on {Server}; the first call will load them", server.EndPoint);
            }
        }
    }

    public async Task<RedisResult> RunAsync(RedisScript script, RedisKey[] keys, RedisValue[] args)
    {
        using var span = Tracing.Redis("EVALSHA", script.Name);
        try
        {
            return await redis.ScriptEvaluateAsync(script.Sha1, keys, args);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await redis.ScriptEvaluateAsync(script.Text, keys, args);
        }
        catch (Exception e)
        {
            span.Fail(e);
            throw;
        }
    }
}

/// <summary>The answer when Redis cannot be reached: 503 with Retry-After, the client may simply retry.</summary>
public static class SeckillUnavailable
{
    public static IResult Result(HttpContext http) =>
        Mall.Infrastructure.Problem.Unavailable(http, "The flash-sale service is briefly unavailable. Try again in a moment.");
}

/// <summary>The answer to a shopper once an operator cancelled the activity (told by Redis, so on every instance at once).</summary>
public static class SeckillCancelled
{
    public static IResult Result => Mall.Infrastructure.Problem.Of(StatusCodes.Status410Gone, "Cancelled", "The activity was cancelled.",
        code: "seckill.activity_cancelled");
}
