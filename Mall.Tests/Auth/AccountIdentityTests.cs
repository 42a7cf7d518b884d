using System.Net;
using System.Net.Http.Json;
using Dapper;
using Mall.Features.Auth;
using Mall.Infrastructure;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Auth;

/// <summary>One account, one canonical spelling: look-alikes neither sign in as it nor earn extra guesses against it.</summary>
public sealed class AccountIdentityTests(MallApp app) : IClassFixture<MallApp>
{
    private Task<HttpResponseMessage> LoginAsync(string account, string password) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { account, password, client = "native" });

    private static string FullWidth(string text) =>
        new(text.Select(c => c is >= '!' and <= '~' ? (char)(c - '!' + '！') : c).ToArray());

    [Theory]
    [InlineData("ＡＤＭＩＮ@ＭＡＬＬ.ＬＯＣＡＬ", "admin@mall.local")]
    [InlineData("  Admin@Mall.Local ", "admin@mall.local")]
    [InlineData("ádmin@mall.local", "ádmin@mall.local")]
    [InlineData("１３８００１３８０００", "13800138000")]
    public void The_canonical_spelling_is_NFKC_in_lower_case(string typed, string canonical) =>
        Assert.Equal(canonical, Accounts.Normalize(typed));

    [Fact]
    public async Task A_full_width_spelling_is_the_same_account_and_shares_its_guesses()
    {
        var shopper = await app.NewShopperAsync();
        var signedIn = await (await LoginAsync(FullWidth(shopper.Account).ToUpperInvariant(), shopper.Password)).ReadAsync<MallApp.TokenBody>();
        Assert.NotNull(signedIn.RefreshToken);

        // Five wrong guesses, each under another spelling, and the account is locked under every one of them.
        string[] spellings = [shopper.Account, shopper.Account.ToUpperInvariant(), FullWidth(shopper.Account), " " + shopper.Account, FullWidth(shopper.Account.ToUpperInvariant())];
        foreach (var spelling in spellings)
            await (await LoginAsync(spelling, "wrong-password-1")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await LoginAsync(FullWidth(shopper.Account), shopper.Password)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(5, (int)await app.Redis.StringGetAsync($"auth:fail:u:{shopper.UserId}")); // the locked attempt is not counted
    }

    [Fact]
    public async Task An_accented_look_alike_of_the_admin_neither_signs_in_nor_counts_against_the_admin()
    {
        await (await LoginAsync("ádmin@mall.local", ConfigurationGuards.DevAdminPassword)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await LoginAsync("admin@mäll.local", ConfigurationGuards.DevAdminPassword)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await using var db = await app.OpenDbAsync();
        var adminId = await db.ExecuteScalarAsync<long>("SELECT id FROM users WHERE account = 'admin@mall.local'");
        Assert.False(await app.Redis.KeyExistsAsync($"auth:fail:u:{adminId}"));
        (await LoginAsync("admin@mall.local", ConfigurationGuards.DevAdminPassword)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Registering_another_spelling_of_an_existing_account_is_a_conflict()
    {
        var shopper = await app.NewShopperAsync();
        var again = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
            new { account = FullWidth(shopper.Account).ToUpperInvariant(), password = "another-horse-42" });
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Stored_spellings_are_made_canonical_at_start_and_collisions_are_reported_not_merged()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await using var db = await app.OpenDbAsync();
        const string insert = """
            INSERT INTO users (account, password_hash, nickname, created_at, updated_at) VALUES (@Account, 'x', 'n', NOW(3), NOW(3));
            SELECT LAST_INSERT_ID();
            """;
        var lone = await db.ExecuteScalarAsync<long>(insert, new { Account = FullWidth($"Lone{tag}@Test.Mall") });
        var first = await db.ExecuteScalarAsync<long>(insert, new { Account = $"twin{tag}@test.mall" });
        var twin = await db.ExecuteScalarAsync<long>(insert, new { Account = $"TWIN{tag}@test.mall" });

        await StartupSeeders.RunAllAsync(app.Services, CancellationToken.None);

        var accounts = (await db.QueryAsync<(long Id, string Account)>("SELECT id, account FROM users WHERE id IN @Ids",
            new { Ids = new[] { lone, first, twin } })).ToDictionary(r => r.Id, r => r.Account);
        Assert.Equal($"lone{tag}@test.mall", accounts[lone]);
        Assert.Equal($"twin{tag}@test.mall", accounts[first]);
        Assert.Equal($"TWIN{tag}@test.mall", accounts[twin]); // left as it was: two rows, one canonical account
    }
}
