using Mall.Features.Payments;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Mall.Tests.Payments;

public sealed class PaymentsConfigurationTests
{
    private static WebApplicationBuilder Builder(string environment, Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Fact]
    public void The_sandbox_is_refused_in_production()
    {
        var builder = Builder("Production", new() { ["Payments:Sandbox:Enabled"] = "true" });
        var error = Assert.Throws<InvalidOperationException>(builder.AddPaymentsFeature);
        Assert.Contains("Payments:Sandbox:Enabled", error.Message);
    }

    [Fact]
    public void Real_wechat_credentials_with_a_missing_key_stop_the_start_naming_the_setting()
    {
        var builder = Builder("Production", new()
        {
            ["Payments:WeChatPay:MchId"] = "1900000109",
            ["Payments:WeChatPay:AppId"] = "wxd678efh567hg6787",
            ["Payments:WeChatPay:ApiV3Key"] = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb",
            ["Payments:WeChatPay:PublicKeyId"] = "PUB_KEY_ID_0117000800002025045698789500001779",
        });
        var error = Assert.Throws<InvalidOperationException>(builder.AddPaymentsFeature);
        Assert.Contains("Payments:WeChatPay:PublicKey", error.Message);
    }

    [Fact]
    public void Without_credentials_or_sandbox_no_provider_is_offered()
    {
        var builder = Builder("Production", new());
        builder.AddPaymentsFeature();
        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(IPaymentProvider));
    }
}
