using Dapper;
using Mall.Infrastructure.Auth;
using Mall.Tests.Infrastructure;
using MySqlConnector;

namespace Mall.Tests.Auth;

/// <summary>An account disabled behind the API's back is refused to new tokens once the remembered answer lapses.</summary>
public sealed class AccountStatesTests(MallAppWithFakeClock app) : IClassFixture<MallAppWithFakeClock>
{
    private async Task DisableInDatabaseAsync(long userId)
    {
        await using var connection = await app.Service<MySqlDataSource>().OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE users SET disabled_at = NOW(6) WHERE id = @userId", new { userId });
    }

    [Fact]
    public async Task An_answer_is_remembered_for_ten_seconds_then_asked_again()
    {
        var shopper = await app.NewShopperAsync();
        var states = app.Service<AccountStates>();
        Assert.True(await states.IsActiveAsync(shopper.UserId));

        await DisableInDatabaseAsync(shopper.UserId);
        app.FakeClock!.Advance(TimeSpan.FromSeconds(9));
        Assert.True(await states.IsActiveAsync(shopper.UserId)); // still the remembered answer

        app.FakeClock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await states.IsActiveAsync(shopper.UserId));
    }

    [Fact]
    public async Task Answers_survive_one_generation_change_and_forget_asks_at_once()
    {
        var shopper = await app.NewShopperAsync();
        var states = app.Service<AccountStates>();
        app.FakeClock!.Advance(TimeSpan.FromSeconds(10)); // a generation boundary is near, wherever the last one fell
        Assert.True(await states.IsActiveAsync(shopper.UserId));
        await DisableInDatabaseAsync(shopper.UserId);

        for (var i = 0; i < 9; i++)
        {
            app.FakeClock.Advance(TimeSpan.FromSeconds(1));
            Assert.True(await states.IsActiveAsync(shopper.UserId)); // remembered across the rotation inside these 9 s
        }

        states.Forget(shopper.UserId);
        Assert.False(await states.IsActiveAsync(shopper.UserId));
    }
}
