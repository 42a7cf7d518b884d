using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Tests.Infrastructure;

/// <summary>
/// The real API in-process, against the real MariaDB and Redis started by scripts/services.sh. Every instance
/// gets its own fresh database (mall_test_*) and its own Redis key prefix, so test classes and parallel runs
/// never see each other's data; both are removed on dispose. Use it as a class fixture:
/// <c>public sealed class LoginTests(MallApp app) : IClassFixture&lt;MallApp&gt;</c>.
/// A fixture that needs more is a small sealed leaf that composes <see cref="TestHostOption"/> pieces, never a
/// subclass of another fixture: <c>public sealed class ManualExpiryApp() : MallApp(TestHost.FakeClock, TestHost.ManualOrderExpiry);</c>.
/// </summary>
public class MallApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..10];
    public string DatabaseName => $"mall_test_{RunId}";
    public string KeyPrefix => $"test:{RunId}:";
    public string DataDir { get; } = Directory.CreateTempSubdirectory("mall-test-").FullName;

    /// <summary>Set (by <see cref="TestHost.FakeClock"/>) when a test class needs to move time. Starts at the real now.</summary>
    public FakeTimeProvider? FakeClock { get; }

    public string ConnectionString { get; }
    public string RedisConnectionString { get; }

    /// <summary>The server the tests use: what ./mall test exported, else the development default.</summary>
    public static string BaseConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__Mall")
                                                 ?? "Server=127.0.0.1;Port=3306;Database=mall;User ID=mall;Password=mall-dev-password";

    /// <summary>The Redis the tests use: what ./mall test exported, else the development default.</summary>
    public static string BaseRedisConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__Redis")
                                                      ?? "127.0.0.1:6379,password=mall-dev-redis";

    private readonly IReadOnlyList<TestHostOption> _options;

    /// <summary>The plain shop, nothing replaced.</summary>
    public MallApp() : this([]) { }

    /// <summary>The shop with the given pieces applied in order (a later piece's setting wins).</summary>
    protected MallApp(params TestHostOption[] options)
    {
        _options = options;
        ConnectionString = new MySqlConnectionStringBuilder(BaseConnectionString) { Database = DatabaseName, MaximumPoolSize = 200 }.ConnectionString;
        RedisConnectionString = BaseRedisConnectionString;
        if (options.Any(o => o.UsesFakeClock)) FakeClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// The tests read the shop's English words (its default language is Chinese); the localisation tests ask for
    /// each language explicitly.
    /// </summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Mall"] = ConnectionString,
            ["ConnectionStrings:Redis"] = RedisConnectionString,
            ["Redis:KeyPrefix"] = KeyPrefix,
            ["Mall:DataDir"] = DataDir,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            // Every request of a test host comes from one address (the in-process server has none): the per-address
            // defences would turn every suite into a test of them. Their own tests set them low again.
            ["Auth:Registration:ChallengeAfterPerIp"] = "1000000",
            ["Auth:Registration:MaxPerIp"] = "1000000",
            ["Auth:Throttle:ChallengeAfterFailuresPerIp"] = "1000000",
            // The whole suite shares two cores: a 250 ms fail-fast bound would turn a scheduling stall into a 503 in
            // tests about something else. The outage tests set the production bound again.
            ["Redis:FailFastMilliseconds"] = "2000",
        };
        foreach (var option in _options)
        {
            foreach (var (key, value) in option.Settings) settings[key] = value;
            if (option.InstanceSettings is { } instanceSettings)
                foreach (var (key, value) in instanceSettings(this)) settings[key] = value;
        }
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            if (FakeClock is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(FakeClock);
            }
            foreach (var option in _options) option.Services?.Invoke(this, services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            foreach (var option in _options) option.Disposed?.Invoke();
    }

    public async Task InitializeAsync()
    {
        await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(ConnectionString) { Database = "" }.ConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"CREATE DATABASE `{DatabaseName}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        _ = Server; // start the host now: migrations run here, not inside the first test
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        MySqlConnection.ClearAllPools();
        await using (var connection = new MySqlConnection(new MySqlConnectionStringBuilder(ConnectionString) { Database = "" }.ConnectionString))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS `{DatabaseName}`");
        }
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnectionString + ",allowAdmin=true"))
        {
            var server = redis.GetServers()[0];
            var keys = new List<RedisKey>();
            await foreach (var key in server.KeysAsync(pattern: KeyPrefix + "*", pageSize: 1000)) keys.Add(key);
            foreach (var chunk in keys.Chunk(500)) await redis.GetDatabase().KeyDeleteAsync(chunk);
        }
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The Redis database as the app sees it (already scoped to this run's key prefix).</summary>
    public IDatabase Redis => Service<IDatabase>();

    public async Task<MySqlConnection> OpenDbAsync()
    {
        var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>A fresh shopper, registered and signed in through the public API.</summary>
    public async Task<Shopper> NewShopperAsync(string? account = null)
    {
        account ??= $"s{Guid.NewGuid():N}"[..20] + "@test.mall";
        const string password = "correct-horse-42";
        var anonymous = CreateClient();
        var register = await WithRetriesAsync(() => anonymous.PostAsJsonAsync("/api/v1/auth/register", new { account, password }));
        register.EnsureSuccessStatusCode();
        var userId = (await register.Content.ReadFromJsonAsync<RegisterBody>())!.UserId;
        return await SignInAsync(account, password, userId);
    }

    /// <summary>The seeded admin (admin@mall.local, development password), signed in.</summary>
    public async Task<Shopper> AdminAsync()
    {
        await using var db = await OpenDbAsync();
        var id = await db.ExecuteScalarAsync<long>("SELECT id FROM users WHERE account = 'admin@mall.local'");
        return await SignInAsync("admin@mall.local", "Admin#2026", id);
    }

    public async Task<Shopper> SignInAsync(string account, string password, long userId)
    {
        var client = CreateClient();
        var login = await WithRetriesAsync(() => client.PostAsJsonAsync("/api/v1/auth/login", new { account, password, client = "native" }));
        login.EnsureSuccessStatusCode();
        var tokens = (await login.Content.ReadFromJsonAsync<TokenBody>())!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return new Shopper(userId, account, password, tokens.AccessToken, tokens.RefreshToken!, client);
    }

    /// <summary>
    /// Arrangement requests retried as the shop's clients do: a 503 means a dependency was briefly out of reach (on the
    /// 2-core CI box, under the whole suite's load, a sign-in once got one), to be retried after its Retry-After.
    /// The tests of the 503 itself make their requests directly.
    /// </summary>
    private static async Task<HttpResponseMessage> WithRetriesAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send();
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 3) return response;
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    private sealed record RegisterBody(long UserId);
    public sealed record TokenBody(string AccessToken, string TokenType, int ExpiresIn, string? RefreshToken);
}

/// <summary>A signed-in user and an HttpClient that sends their bearer token.</summary>
public sealed record Shopper(long UserId, string Account, string Password, string AccessToken, string RefreshToken, HttpClient Client);

/// <summary>A <see cref="MallApp"/> whose clock only moves when the test says so.</summary>
public sealed class MallAppWithFakeClock() : MallApp(TestHost.FakeClock);
