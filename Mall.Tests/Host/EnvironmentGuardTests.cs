using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Mall.Infrastructure;
using Mall.Infrastructure.OpenApi;
using Mall.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Mall.Tests.Host;

/// <summary>Outside Development the shop refuses what only a developer's machine may have.</summary>
public sealed class EnvironmentGuardTests
{
    private static readonly Dictionary<string, string?> Sound = new()
    {
        ["ConnectionStrings:Mall"] = "Server=db;Database=mall;User ID=mall;Password=Vq8#rT2!mLp4",
        ["ConnectionStrings:Redis"] = "redis:6379,password=Xk3$wQ9@zN5e",
        ["Auth:SigningKeyPath"] = "/run/secrets/jwt.pem",
        ["Mall:AdminPassword"] = "Str0ng&Admin!Pass",
    };

    private static List<string> Problems(params (string Key, string? Value)[] changes)
    {
        var settings = new Dictionary<string, string?>(Sound);
        foreach (var (key, value) in changes) settings[key] = value;
        return ConfigurationGuards.Check(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).ToList();
    }

    [Fact]
    public void A_sound_production_configuration_passes() => Assert.Empty(Problems());

    [Theory]
    [InlineData("ConnectionStrings:Mall", "Server=db;Database=mall;User ID=mall;Password=CHANGE-ME", "ConnectionStrings:Mall's password")]
    [InlineData("ConnectionStrings:Mall", "Server=db;Database=mall;User ID=mall;Password=", "ConnectionStrings:Mall's password")]
    [InlineData("ConnectionStrings:Redis", "redis:6379,password=CHANGE-ME", "ConnectionStrings:Redis's password")]
    [InlineData("Mall:AdminPassword", "CHANGE-ME", "Mall:AdminPassword")]
    [InlineData("Mall:AdminPassword", "password", "Mall:AdminPassword")]
    public void Placeholders_from_the_example_files_are_refused(string key, string value, string named)
    {
        var problem = Assert.Single(Problems((key, value)), p => p.Contains("placeholder"));
        Assert.StartsWith(named, problem);
    }

    [Theory]
    [InlineData("Sh0rt!pass", "shorter than 12")]
    [InlineData("alllowercaseletters", "three of")]
    [InlineData("lowercase1234567", "three of")]
    public void A_weak_admin_password_is_refused(string password, string reason) =>
        Assert.Contains(Problems(("Mall:AdminPassword", password)), p => p.StartsWith("Mall:AdminPassword") && p.Contains(reason));

    [Theory]
    [InlineData("Staging")]
    [InlineData("Production")]
    public void The_payments_sandbox_refuses_to_start_outside_Development(string environment)
    {
        var keyFile = Path.Combine(Directory.CreateTempSubdirectory("mall-guard-").FullName, "jwt.pem");
        using (var rsa = RSA.Create(2048)) File.WriteAllText(keyFile, rsa.ExportPkcs8PrivateKeyPem());
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            foreach (var (key, value) in Sound) builder.UseSetting(key, value);
            builder.UseSetting("Auth:SigningKeyPath", keyFile);
            builder.UseSetting("Payments:Sandbox:Enabled", "true");
        });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient()).ToString();
        Assert.Contains($"Refusing to start in {environment}: Payments:Sandbox:Enabled is true", error);
    }

    [Theory]
    [InlineData("Development", null, true)]
    [InlineData("Staging", null, false)]
    [InlineData("Production", null, false)]
    [InlineData("Production", "true", true)]
    [InlineData("Development", "false", false)]
    public void The_OpenAPI_document_and_Scalar_are_served_in_Development_or_when_enabled(string environment, string? enabled, bool served)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        if (enabled is not null) builder.Configuration.AddInMemoryCollection([new("OpenApi:Enabled", enabled)]);
        Assert.Equal(served, builder.Build().IsOpenApiServed());
    }
}

public sealed class HiddenDocumentTests(HiddenDocumentTests.App app) : IClassFixture<HiddenDocumentTests.App>
{
    public sealed class App() : MallApp(TestHostOption.Set(("OpenApi:Enabled", "false")));

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/scalar")]
    public async Task Nothing_maps_the_API_for_strangers_when_the_document_is_off(string path) =>
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync(path)).StatusCode);

    [Fact]
    public async Task Readiness_tells_states_only()
    {
        var body = await app.CreateClient().GetStringAsync("/health/ready");
        var checks = JsonDocument.Parse(body).RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("mysql").GetProperty("status").GetString());
        foreach (var check in checks.EnumerateObject()) Assert.False(check.Value.TryGetProperty("error", out _), body);
    }

    [Fact]
    public async Task A_refused_bearer_token_is_not_explained()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl");
        var response = await client.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }
}

/// <summary>Outside Development /metrics answers only on the management port; the API's port has none.</summary>
public sealed class ManagementPortTests(ManagementPortTests.App app) : IClassFixture<ManagementPortTests.App>
{
    public sealed class App() : MallApp(TestHostOption.Set(("Management:Port", "9464")));

    [Fact]
    public async Task Metrics_are_served_on_the_management_port_only()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/metrics")).StatusCode);
        var management = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost:9464") });
        var metrics = await management.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("http_request_duration_seconds", await metrics.Content.ReadAsStringAsync());
    }
}
