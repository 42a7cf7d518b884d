using Mall.LoadTests.Shop;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mall.LoadTests.Cli;

/// <summary>Writes a big shop's order history into the shop's database for the dashboard benchmark (no load, no report).</summary>
public sealed class SeedOrdersCommand(IAnsiConsole console) : AsyncCommand<SeedOrdersSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SeedOrdersSettings settings, CancellationToken ct)
    {
        var seeder = new OrderSeeder(settings.ResolveMySql());
        console.MarkupLine($"[bold]seed-orders[/]: at least {settings.Orders:N0} orders over the last {settings.Days} days " +
                           $"({settings.Shoppers:N0} shoppers, {settings.Products:N0} products, {settings.Batch:N0} orders per INSERT, {settings.Writers} writers)");
        SeedResult result;
        try
        {
            result = await seeder.SeedAsync(settings.Orders, settings.Days, settings.Shoppers, settings.Products, settings.Batch, settings.Writers,
                settings.Seed, line => console.MarkupLine(Markup.Escape(line)), ct);
        }
        catch (MySqlConnector.MySqlException e)
        {
            throw new Scenarios.RunFailure($"The shop's database refused the seed ({e.Message}). Is it migrated (./mall up) and reachable?");
        }
        if (result.OrdersWritten == 0)
        {
            console.MarkupLine($"nothing to do: the database already holds {result.OrdersBefore:N0} orders.");
            return ExitCodes.Passed;
        }
        console.MarkupLine($"wrote {result.OrdersWritten:N0} orders and {result.ItemsWritten:N0} items in {result.Seconds:0.0} s " +
                           $"({result.OrdersWritten / result.Seconds:N0} orders/s); the database now holds {result.OrdersBefore + result.OrdersWritten:N0} orders.");
        console.MarkupLine("by status: " + Markup.Escape(string.Join(", ", result.ByStatus.Select(s => $"{s.Key} {s.Value:N0}"))));
        return ExitCodes.Passed;
    }
}
