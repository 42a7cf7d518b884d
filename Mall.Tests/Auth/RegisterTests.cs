using System.Net;
using System.Net.Http.Json;
using Dapper;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Auth;

public sealed class RegisterTests(MallApp app) : IClassFixture<MallApp>
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Register_creates_a_shopper_with_a_hashed_password()
    {
        var account = $"New.{Guid.NewGuid():N}@Example.com";
        var response = await _client.PostAsJsonAsync("/api/v1/auth/register", new { account, password = "s3cret-pass", nickname = "小明 🐼" });
        var body = await response.ReadAsync<RegisterBody>(HttpStatusCode.Created);

        await using var db = await app.OpenDbAsync();
        var row = await db.QuerySingleAsync<(string Account, string Hash, string Nickname, string Role)>(
            "SELECT account, password_hash, nickname, role FROM users WHERE id = @Id", new { Id = body.UserId });
        Assert.Equal(account.ToLowerInvariant(), row.Account);
        Assert.DoesNotContain("s3cret-pass", row.Hash);
        Assert.Equal("小明 🐼", row.Nickname);
        Assert.Equal("shopper", row.Role);
    }

    [Fact]
    public async Task Register_with_a_mobile_number_works_and_hides_it_in_the_default_nickname()
    {
        var mobile = "139" + Random.Shared.Next(10000000, 99999999);
        var response = await _client.PostAsJsonAsync("/api/v1/auth/register", new { account = mobile, password = "s3cret-pass" });
        var body = await response.ReadAsync<RegisterBody>(HttpStatusCode.Created);
        await using var db = await app.OpenDbAsync();
        var nickname = await db.ExecuteScalarAsync<string>("SELECT nickname FROM users WHERE id = @Id", new { Id = body.UserId });
        Assert.Equal("用户" + mobile[^4..], nickname);
    }

    [Fact]
    public async Task Registering_a_taken_account_is_409_whatever_its_case()
    {
        var account = $"taken{Guid.NewGuid():N}@example.com";
        (await _client.PostAsJsonAsync("/api/v1/auth/register", new { account, password = "s3cret-pass" })).EnsureSuccessStatusCode();
        var again = await _client.PostAsJsonAsync("/api/v1/auth/register", new { account = account.ToUpperInvariant(), password = "other-pass-1" });
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("not-an-account", "s3cret-pass", "account")]
    [InlineData("12345678901", "s3cret-pass", "account")]
    [InlineData("", "s3cret-pass", "account")]
    [InlineData("ok@example.com", "short1", "password")]
    [InlineData("ok@example.com", "12345678901", "password")]
    [InlineData("ok@example.com", "", "password")]
    public async Task Invalid_account_or_password_is_400_naming_the_field(string account, string password, string field)
    {
        var response = await _client.PostAsJsonAsync("/api/v1/auth/register", new { account, password });
        await response.ShouldBeValidationErrorAsync(field);
    }

    [Fact]
    public async Task Password_longer_than_72_characters_is_rejected()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/auth/register",
            new { account = $"long{Guid.NewGuid():N}@example.com", password = new string('a', 73) });
        await response.ShouldBeValidationErrorAsync("password");
    }

    [Fact]
    public async Task Missing_fields_wrong_types_and_broken_json_are_400_not_500()
    {
        var missing = await _client.PostAsJsonAsync("/api/v1/auth/register", new { });
        await missing.ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        var wrongType = await _client.PostAsync("/api/v1/auth/register",
            new StringContent("""{"account": 42, "password": ["x"]}""", System.Text.Encoding.UTF8, "application/json"));
        await wrongType.ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        var broken = await _client.PostAsync("/api/v1/auth/register",
            new StringContent("""{"account": "a@b.cn", """, System.Text.Encoding.UTF8, "application/json"));
        await broken.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Oversized_body_is_413_problem()
    {
        var huge = new string('x', 2 * 1024 * 1024);
        var response = await _client.PostAsync("/api/v1/auth/register",
            new StringContent($$"""{"account":"a@b.cn","password":"{{huge}}"}""", System.Text.Encoding.UTF8, "application/json"));
        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Control_characters_in_nickname_are_rejected()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/auth/register",
            new { account = $"ctl{Guid.NewGuid():N}@example.com", password = "s3cret-pass", nickname = "bad\u0000name" });
        await response.ShouldBeValidationErrorAsync("nickname");
    }

    private sealed record RegisterBody(long UserId);
}
