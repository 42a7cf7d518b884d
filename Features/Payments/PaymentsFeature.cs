using Mall.Features.Payments.Alipay;
using Mall.Features.Payments.Sandbox;
using Mall.Features.Payments.WeChatPay;
using Mall.Infrastructure;

namespace Mall.Features.Payments;

public static class PaymentsFeature
{
    public static void AddPaymentsFeature(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        PaymentMetrics.Publish();
        var configuration = builder.Configuration;
        // Which providers exist (real credentials, the sandbox, neither) is decided here, from the section as bound now.
        var options = configuration.ReadOptions<PaymentsOptions>("Payments");
        // The sandbox lets anyone "pay" with fake money: it exists only on a developer's machine.
        if (options.Sandbox.Enabled && !builder.Environment.IsDevelopment())
            throw new InvalidOperationException($"Refusing to start in {builder.Environment.EnvironmentName}: Payments:Sandbox:Enabled is true. " +
                                                "The sandbox gateway fakes payments and runs only in Development; configure real merchant credentials instead.");
        services.AddMallOptions<PaymentsOptions>("Payments");
        services.AddSingleton(sp => sp.GetRequiredService<PaymentsOptions>().Sandbox);

        static string? Set(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().TrimEnd('/');
        var publicBase = Set(configuration["Mall:PublicBaseUrl"]) ?? "http://127.0.0.1:5080";
        var notifyBase = Set(options.NotifyBaseUrl) ?? publicBase;
        var sandboxSite = Set(options.Sandbox.BaseUrl) ?? publicBase;
        var sandboxBase = sandboxSite + "/sandbox";
        services.AddSingleton(new ShopPages(publicBase));

        if (options.Sandbox.Enabled)
        {
            // Generated (four RSA keys) when the sandbox is first used, not at start: most test hosts never pay.
            var dataDir = configuration["Mall:DataDir"] ?? Path.Combine(builder.Environment.ContentRootPath, "..", ".mall");
            services.AddSingleton(_ => SandboxKeys.LoadOrCreate(Path.Combine(dataDir, "payments-sandbox")));
            services.AddSingleton(sp => new SandboxContext(sp.GetRequiredService<SandboxKeys>(), sandboxSite));
            services.AddSingleton<SandboxStore>();
            services.AddSingleton<SandboxNotifier>();
            services.AddHostedService(sp => sp.GetRequiredService<SandboxNotifier>());
            services.AddSingleton<SandboxWeChatPay>();
            services.AddSingleton<SandboxAlipay>();
            services.AddSingleton<SandboxCashier>();
            services.AddSingleton<SandboxWeChatOAuth>();
            services.AddHttpClient(SandboxNotifier.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
        }

        // Real merchant credentials are loaded and checked now (a bad key fails the start); the sandbox's on first use.
        var sandbox = options.Sandbox.Enabled;
        if (!string.IsNullOrWhiteSpace(options.WeChatPay.MchId) || sandbox)
        {
            if (!string.IsNullOrWhiteSpace(options.WeChatPay.MchId)) services.AddSingleton(WeChatPaySettings.Create(options.WeChatPay, notifyBase, null, sandboxBase)!);
            else services.AddSingleton(sp => WeChatPaySettings.Create(options.WeChatPay, notifyBase, sp.GetRequiredService<SandboxKeys>(), sandboxBase)!);
            services.AddSingleton<IPaymentProvider, WeChatPayClient>();
            services.AddHttpClient(WeChatPayClient.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
            services.AddSingleton<WeChatOAuth>();
            services.AddHttpClient(WeChatOAuth.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        }
        if (!string.IsNullOrWhiteSpace(options.Alipay.AppId) || sandbox)
        {
            if (!string.IsNullOrWhiteSpace(options.Alipay.AppId)) services.AddSingleton(AlipaySettings.Create(options.Alipay, notifyBase, null, sandboxBase)!);
            else services.AddSingleton(sp => AlipaySettings.Create(options.Alipay, notifyBase, sp.GetRequiredService<SandboxKeys>(), sandboxBase)!);
            services.AddSingleton<IPaymentProvider, AlipayClient>();
            services.AddHttpClient(AlipayClient.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        }

        services.AddSingleton<PaymentProviders>();
        services.AddSingleton<PaymentSettlement>();
        services.AddSingleton<NotificationNonces>();
        services.AddSingleton<PaymentWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<PaymentWorker>());
    }

    /// <summary>The sandbox gateway's routes (WeChat Pay v3, Alipay, the cashier page), only when enabled.</summary>
    public static void MapPaymentsSandbox(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<SandboxOptions>().Enabled) return;
        SandboxWeChatPay.Map(app);
        SandboxAlipay.Map(app);
        SandboxCashier.Map(app);
        SandboxWeChatOAuth.Map(app);
    }
}
