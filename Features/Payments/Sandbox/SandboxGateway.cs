using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using StackExchange.Redis;

namespace Mall.Features.Payments.Sandbox;

public static class SandboxTradeStates
{
    public const string Pending = "Pending";
    public const string Paid = "Paid";
    public const string Closed = "Closed";
    public const string Refunded = "Refunded";
}

/// <summary>A trade as the fake provider sees it.</summary>
public sealed record SandboxTrade(string Provider, string OutTradeNo, string Channel, long AmountCents, string Description,
    string NotifyUrl, string AppId, string MerchantId, string State, string CashierToken, DateTimeOffset CreatedAt)
{
    public string? TransactionId { get; init; }
    public string? OpenId { get; init; }
    public string? PrepayId { get; init; }
    /// <summary>Where the browser goes after paying: Alipay's return_url, WeChat H5's redirect_url, the JSAPI page.</summary>
    public string? ReturnUrl { get; init; }
    /// <summary>Alipay WAP: where the cashier's "give up" leads.</summary>
    public string? QuitUrl { get; init; }
    /// <summary>WeChat H5: the payer's address the merchant declared in scene_info.</summary>
    public string? ClientIp { get; init; }
    /// <summary>Alipay precreate: the trade exists at the provider only once the buyer has opened the QR code.</summary>
    public bool Scanned { get; init; }
    public DateTimeOffset? PaidAt { get; init; }
    /// <summary>The latest refund's number (the one its notification names).</summary>
    public string? RefundNo { get; init; }
    public string? RefundId { get; init; }
    /// <summary>Every refund of the trade by its number: a number refunds once, the amounts never exceed the total.</summary>
    public Dictionary<string, SandboxRefund> Refunds { get; init; } = [];
    public long RefundedCents => Refunds.Values.Sum(r => r.AmountCents);
}

public sealed record SandboxRefund(string RefundId, long AmountCents, DateTimeOffset CreatedAt);

/// <summary>The sandbox's loaded keys and addresses.</summary>
public sealed class SandboxContext(SandboxKeys keys, string publicBase)
{
    public SandboxKeys Keys { get; } = keys;
    public string PublicBase { get; } = publicBase.TrimEnd('/');
    public RSA MerchantPublicKey { get; } = KeyMaterial.PublicKey(RSA2Pem(keys.MerchantPrivateKeyPem));
    public RSA PlatformKey { get; } = KeyMaterial.PrivateKey(keys.PlatformPrivateKeyPem);
    public byte[] ApiV3Key { get; } = System.Text.Encoding.UTF8.GetBytes(keys.ApiV3Key);
    public RSA AlipayAppPublicKey { get; } = KeyMaterial.PublicKey(RSA2Pem(keys.AlipayAppPrivateKeyPem));
    public RSA AlipayKey { get; } = KeyMaterial.PrivateKey(keys.AlipayPrivateKeyPem);

    public string CashierUrl(string token) => $"{PublicBase}/sandbox/cashier/{token}";

    /// <summary>
    /// Only absolute http(s) URLs are taken as a place to send the browser back to (never javascript: or a
    /// relative path a page could be tricked into).
    /// </summary>
    public static bool IsReturnUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string RSA2Pem(string privatePem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privatePem);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }
}

/// <summary>Sandbox trades live in Redis (never in the shop's database), for two days.</summary>
public sealed class SandboxStore(IDatabase redis)
{
    private static readonly TimeSpan Keep = TimeSpan.FromDays(2);

    public async Task<SandboxTrade?> FindAsync(string provider, string outTradeNo)
    {
        var json = await redis.StringGetAsync($"sbx:trade:{provider}:{outTradeNo}");
        return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<SandboxTrade>(json.ToString());
    }

    public async Task<SandboxTrade?> FindByTokenAsync(string token)
    {
        var key = await redis.StringGetAsync($"sbx:cashier:{token}");
        if (key.IsNullOrEmpty) return null;
        var parts = key.ToString().Split(':', 2);
        return await FindAsync(parts[0], parts[1]);
    }

    public async Task SaveAsync(SandboxTrade trade)
    {
        await redis.StringSetAsync($"sbx:trade:{trade.Provider}:{trade.OutTradeNo}", JsonSerializer.Serialize(trade), Keep);
        await redis.StringSetAsync($"sbx:cashier:{trade.CashierToken}", $"{trade.Provider}:{trade.OutTradeNo}", Keep);
    }

    /// <summary>Creates the trade unless one with that number exists (a repeated prepay returns the first).</summary>
    public async Task<SandboxTrade> CreateOrGetAsync(SandboxTrade trade)
    {
        if (await redis.StringSetAsync($"sbx:trade:{trade.Provider}:{trade.OutTradeNo}", JsonSerializer.Serialize(trade), Keep, When.NotExists))
        {
            await redis.StringSetAsync($"sbx:cashier:{trade.CashierToken}", $"{trade.Provider}:{trade.OutTradeNo}", Keep);
            if (trade.PrepayId is not null) await redis.StringSetAsync($"sbx:prepay:{trade.PrepayId}", trade.CashierToken, Keep);
            return trade;
        }
        return (await FindAsync(trade.Provider, trade.OutTradeNo))!;
    }

    public async Task<string?> FindTokenByPrepayAsync(string prepayId)
    {
        var token = await redis.StringGetAsync($"sbx:prepay:{prepayId}");
        return token.IsNullOrEmpty ? null : token.ToString();
    }

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> TradeLocks = new();

    /// <summary>
    /// Serialises changes to one trade inside this process: refunds read, add to and save the trade, and two
    /// concurrent refunds must not both pass the "within the total" check.
    /// </summary>
    public static async Task<IDisposable> LockAsync(string provider, string outTradeNo)
    {
        var gate = TradeLocks.GetOrAdd($"{provider}:{outTradeNo}", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }

    public static string Token() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 24);
}

/// <summary>One notification the sandbox keeps delivering until the shop acknowledges it.</summary>
public sealed record SandboxDelivery(string Id, string Url, Func<HttpRequestMessage> Build, Func<HttpResponseMessage, string, bool> Acknowledged);

/// <summary>
/// Delivers notifications like the providers do: POST to the notify URL, and on anything but the expected
/// acknowledgement try again on the configured (shortened) schedule. Each attempt is built afresh, so WeChat
/// deliveries carry a new timestamp, nonce and signature every time, as the real gateway's do.
/// </summary>
public sealed class SandboxNotifier(IHttpClientFactory httpClients, SandboxOptions options, ILogger<SandboxNotifier> logger) : IHostedService
{
    public const string HttpClientName = "payments-sandbox-notifier";
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<string, DeliveryLog> logs = new();

    /// <summary>Attempts and acknowledgements per delivery id, for tests and the sandbox's own diagnostics.</summary>
    public DeliveryLog Log(string id) => logs.GetOrAdd(id, _ => new DeliveryLog());

    public void Send(SandboxDelivery delivery)
    {
        if (!options.SendNotifications) return;
        _ = Task.Run(() => DeliverAsync(delivery, stopping.Token));
    }

    private async Task DeliverAsync(SandboxDelivery delivery, CancellationToken ct)
    {
        var log = Log(delivery.Id);
        var schedule = options.RetrySchedule;
        for (var attempt = 0; attempt <= schedule.Count && !ct.IsCancellationRequested; attempt++)
        {
            if (attempt > 0)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(schedule[attempt - 1]), ct); }
                catch (OperationCanceledException) { return; }
            }
            Interlocked.Increment(ref log.Attempts);
            try
            {
                using var request = delivery.Build();
                using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (delivery.Acknowledged(response, body))
                {
                    Interlocked.Increment(ref log.Acknowledged);
                    log.FirstAttempt.TrySetResult();
                    return;
                }
                log.LastFailure = $"{(int)response.StatusCode} {body}";
                logger.LogInformation("Sandbox notification {Id} attempt {Attempt} not acknowledged: {Status} {Body}",
                    delivery.Id, attempt + 1, (int)response.StatusCode, body);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                log.LastFailure = e.ToString();
                logger.LogInformation("Sandbox notification {Id} attempt {Attempt} failed: {Error}", delivery.Id, attempt + 1, e.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            log.FirstAttempt.TrySetResult();
        }
        Interlocked.Increment(ref log.GaveUp);
        log.FirstAttempt.TrySetResult();
    }

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until the first delivery of <paramref name="id"/> was answered, so a
    /// browser sent back to the shop right after paying finds the order already settled, as it usually does with
    /// the real providers. Returns at once when notifications are off.
    /// </summary>
    public async Task FirstAttemptAsync(string id, TimeSpan limit)
    {
        if (!options.SendNotifications) return;
        await Task.WhenAny(Log(id).FirstAttempt.Task, Task.Delay(limit));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        stopping.Cancel();
        return Task.CompletedTask;
    }

    public sealed class DeliveryLog
    {
        public int Attempts;
        public int Acknowledged;
        public int GaveUp;
        public string? LastFailure;
        /// <summary>Completed once the first attempt has been answered (or failed).</summary>
        public readonly TaskCompletionSource FirstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
