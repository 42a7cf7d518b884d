using System.Net;
using System.Text.Json;
using Mall.Infrastructure;
using Mall.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi.Models;
using Microsoft.OpenApi.Readers;

namespace Mall.Tests.Host;

public sealed class HostTests(HostTests.App app) : IClassFixture<HostTests.App>
{
    /// <summary>Adds one route that throws, to see what a client gets from an unexpected failure.</summary>
    public sealed class App() : MallApp(ThrowingRoute.Piece)
    {
        private sealed class ThrowingRoute : IStartupFilter
        {
            public static readonly TestHostOption Piece = new() { Services = (_, services) => services.AddSingleton<IStartupFilter, ThrowingRoute>() };

            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => builder =>
            {
                // After the app's pipeline, so the app's exception handling is around it as for any endpoint.
                next(builder);
                builder.Map("/test/boom", b => b.Run(_ => throw new InvalidOperationException("secret internals")));
            };
        }
    }

    [Fact]
    public async Task Json_answers_carry_their_length_instead_of_chunked_encoding()
    {
        // One write per answer: chunked encoding ends every response with a second one (the terminating chunk).
        using var response = await app.CreateClient().GetAsync("/api/v1/time");
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("serverTimeMs").GetInt64() > 0);
    }

    [Fact]
    public async Task Ready_reports_mysql_and_redis_healthy()
    {
        var body = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/health/ready")).RootElement;
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("mysql").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Openapi_document_is_valid_and_every_operation_has_a_summary_and_error_codes()
    {
        await using var stream = await app.CreateClient().GetStreamAsync("/openapi/v1.json");
        var document = new OpenApiStreamReader().Read(stream, out var diagnostic);
        Assert.Empty(diagnostic.Errors);
        Assert.NotEmpty(document.Paths);
        foreach (var (path, item) in document.Paths)
        foreach (var (method, operation) in item.Operations)
        {
            Assert.False(string.IsNullOrWhiteSpace(operation.Summary), $"{method} {path} has no summary");
            Assert.NotEmpty(operation.Responses);
        }
        // Endpoints that take a JSON body must document it (an explicit Description must not drop it).
        foreach (var (path, method) in new[]
                 {
                     ("/api/v1/auth/register", OperationType.Post), ("/api/v1/auth/login", OperationType.Post),
                     ("/api/v1/orders", OperationType.Post),
                     ("/api/v1/cart/items/{skuId}", OperationType.Put), ("/api/v1/orders/{orderNo}/payments", OperationType.Post),
                     ("/api/v1/seckill/activities/{id}/attempts", OperationType.Post), ("/api/v1/admin/seckill/activities", OperationType.Post),
                 })
            Assert.True(document.Paths[path].Operations[method].RequestBody is not null, $"{method} {path} documents no request body");
        Assert.Contains("/api/v1/auth/login", document.Paths.Keys);
        Assert.Contains("429", document.Paths["/api/v1/auth/login"].Operations.Values.Single().Responses.Keys);
    }

    [Fact]
    public async Task A_header_bound_property_is_a_header_with_its_exact_name_and_not_a_body_property()
    {
        await using var stream = await app.CreateClient().GetStreamAsync("/openapi/v1.json");
        var checkout = new OpenApiStreamReader().Read(stream, out _).Paths["/api/v1/orders"].Operations[OperationType.Post];
        Assert.Contains(checkout.Parameters, p => p.Name == "Idempotency-Key" && p.In == ParameterLocation.Header);
        var body = checkout.RequestBody.Content["application/json"].Schema;
        Assert.Contains("items", body.Properties.Keys);
        Assert.DoesNotContain("idempotencyKey", body.Properties.Keys);
    }

    [Fact]
    public async Task Required_in_the_document_means_what_the_validator_requires()
    {
        await using var stream = await app.CreateClient().GetStreamAsync("/openapi/v1.json");
        var document = new OpenApiStreamReader().Read(stream, out _);
        var checkout = document.Paths["/api/v1/orders"].Operations[OperationType.Post];

        // The binder takes the header leniently (so the validator can explain), but the validator always requires it.
        Assert.True(checkout.Parameters.Single(p => p.Name == "Idempotency-Key").Required);
        // items is required only without fromCart.
        Assert.DoesNotContain("items", checkout.RequestBody.Content["application/json"].Schema.Required);
        // Unconditional rules stay required.
        var login = document.Paths["/api/v1/auth/login"].Operations[OperationType.Post];
        Assert.Equal(["account", "password"], login.RequestBody.Content["application/json"].Schema.Required.Order());
    }

    [Fact]
    public async Task Scalar_serves_the_explorer_page()
    {
        var response = await app.CreateClient().GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_routes_are_404_problems()
    {
        var problem = await (await app.CreateClient().GetAsync("/api/v1/nothing-here")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        // No detail: what tells it apart from an endpoint's "… was not found." (Http.ShouldBeNotFoundAsync relies on it).
        Assert.False(problem.TryGetProperty("detail", out var detail), $"unexpected detail: {detail}");
    }

    [Fact]
    public async Task Wrong_method_is_405_problem() =>
        await (await app.CreateClient().GetAsync("/api/v1/auth/login")).ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed);

    [Fact]
    public async Task An_unhandled_exception_is_a_500_problem_with_trace_id_and_no_internals()
    {
        var response = await app.CreateClient().GetAsync("/test/boom");
        await response.ShouldBeProblemAsync(HttpStatusCode.InternalServerError);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret internals", body);
        Assert.DoesNotContain("InvalidOperationException", body);
        Assert.DoesNotContain(" at ", body);
    }

    [Fact]
    public async Task Metrics_expose_http_duration_by_route_and_status()
    {
        var metrics = await MetricsAfterOneRequestAsync();
        Assert.Contains("http_request_duration_seconds_bucket", metrics);
        Assert.Contains("endpoint=\"/.well-known/jwks.json\"", metrics);
        Assert.Contains("code=\"200\"", metrics);
    }

    [Fact]
    public async Task Metrics_bridge_runtime_meters_but_no_event_counters_that_would_trace_every_request()
    {
        var metrics = await MetricsAfterOneRequestAsync();
        Assert.Contains("system_runtime_dotnet_gc_collections", metrics);
        Assert.DoesNotContain("microsoft_aspnetcore_hosting_", metrics);
        // Listening to the hosting event source is what made it write a start and a stop event for every request.
        var hosting = System.Diagnostics.Tracing.EventSource.GetSources().Single(s => s.Name == "Microsoft.AspNetCore.Hosting");
        Assert.False(hosting.IsEnabled());
    }

    [Fact]
    public async Task Made_up_methods_and_paths_add_no_metric_series()
    {
        var client = app.CreateClient();
        var before = await client.GetStringAsync("/metrics");
        foreach (var method in new[] { "BREWA", "BREWB", "BREWC" })
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/api/v1/auth/login"))).StatusCode);
        foreach (var path in new[] { "/api/v1/no-such-1", "/api/v1/no-such-2" })
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);

        var after = await client.GetStringAsync("/metrics");
        // Each answer is counted under the method OTHER or the empty route, never a label of the client's choosing
        // (a client could otherwise grow the series, and Prometheus's storage, without end).
        Assert.DoesNotContain("BREW", after);
        Assert.DoesNotContain("no-such", after);
        Assert.Equal(CountOf(before, "code=\"405\"", "method=\"OTHER\"") + 3, CountOf(after, "code=\"405\"", "method=\"OTHER\""));
        Assert.True(CountOf(after, "code=\"404\"", "endpoint=\"\"") >= CountOf(before, "code=\"404\"", "endpoint=\"\"") + 2);
    }

    private static double CountOf(string metrics, params string[] labels) => metrics.Split('\n')
        .Where(line => line.StartsWith("http_request_duration_seconds_count{") && labels.All(line.Contains))
        .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    private async Task<string> MetricsAfterOneRequestAsync()
    {
        var client = app.CreateClient();
        (await client.GetAsync("/.well-known/jwks.json")).EnsureSuccessStatusCode();
        return await client.GetStringAsync("/metrics");
    }
}

public sealed class ConfigurationGuardTests
{
    [Fact]
    public void Development_defaults_are_named_one_by_one()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Mall"] = "Server=db;Password=" + ConfigurationGuards.DevDatabasePassword,
            ["ConnectionStrings:Redis"] = "redis:6379",
            ["Mall:AdminPassword"] = ConfigurationGuards.DevAdminPassword,
        }).Build();
        var problems = ConfigurationGuards.Check(configuration).ToList();
        Assert.Contains(problems, p => p.Contains("ConnectionStrings:Mall uses the development password"));
        Assert.Contains(problems, p => p.Contains("ConnectionStrings:Redis has no password"));
        Assert.Contains(problems, p => p.Contains("Auth:SigningKeyPem or Auth:SigningKeyPath is missing"));
        Assert.Contains(problems, p => p.Contains("Mall:AdminPassword is the development default"));
    }

    [Fact]
    public void Production_settings_pass()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Mall"] = "Server=db;Password=Str0ng-and-secret",
            ["ConnectionStrings:Redis"] = "redis:6379,password=Also-Str0ng",
            ["Auth:SigningKeyPath"] = "/run/secrets/jwt.pem",
        }).Build();
        Assert.Empty(ConfigurationGuards.Check(configuration));
    }

    [Fact]
    public void The_api_refuses_to_start_in_production_with_development_defaults()
    {
        using var factory = new ProductionWithDefaults();
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        var message = error.ToString();
        Assert.Contains("Refusing to start in Production", message);
        Assert.Contains("Auth:SigningKeyPem or Auth:SigningKeyPath is missing", message);
    }

    private sealed class ProductionWithDefaults : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:Mall", "Server=127.0.0.1;Database=mall;User ID=mall;Password=" + ConfigurationGuards.DevDatabasePassword);
            builder.UseSetting("ConnectionStrings:Redis", "127.0.0.1:6379,password=" + ConfigurationGuards.DevRedisPassword);
        }
    }
}
