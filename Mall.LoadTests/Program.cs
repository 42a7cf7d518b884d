using Mall.LoadTests.Baseline;
using Mall.LoadTests.Cli;
using Mall.LoadTests.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mall.LoadTests;

/// <summary>
/// Mall's load-test CLI. Not top-level statements: the test project references both this assembly and Mall.Api,
/// whose entry point is the global Program class.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // Logs and CI capture the output: wide enough that the tables stay readable there.
        if (Console.IsOutputRedirected) AnsiConsole.Console.Profile.Width = 200;
        return Run(args, AnsiConsole.Console);
    }

    public static int Run(string[] args, IAnsiConsole console)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("mall bench");
            config.Settings.StrictParsing = true;
            config.ConfigureConsole(console);
            config.AddCommand<SeckillCommand>("seckill")
                .WithDescription("N shoppers race for one activity's stock: token step, then attempt step; invariants checked against MySQL and Redis.")
                .WithExample("seckill", "--shoppers", "20000", "--stock", "10000", "-c", "256", "--baseline");
            config.AddCommand<BrowseCommand>("browse")
                .WithDescription("The cached read path: home, listing, product detail.")
                .WithExample("browse", "-c", "256", "-d", "20", "--baseline");
            config.AddCommand<CheckoutCommand>("checkout")
                .WithDescription("Cart → order (Idempotency-Key), the MySQL stock-locking path.");
            config.AddCommand<LoginCommand>("login")
                .WithDescription("Abuse check: password guessing must be throttled (429) after the limits.")
                .WithExample("login", "-c", "1", "-n", "60");
            config.AddCommand<DashboardCommand>("dashboard")
                .WithDescription("The operators' reads on a big shop: the dashboard and order searches (status, kind, date range, shopper, deep pages); fails on any error or a p95 over 200 ms.")
                .WithExample("dashboard", "-c", "4", "-d", "30");
            config.AddCommand<SeedOrdersCommand>("seed-orders")
                .WithDescription("Write a big shop's order history (1,000,000 orders over 30 days by default) into the shop's database, for dashboard.")
                .WithExample("seed-orders", "--orders", "1000000");
            config.AddCommand<BaselineServerCommand>("baseline-server").IsHidden();
            config.SetExceptionHandler((exception, _) => Report(console, exception));
        });
        return app.Run(args);
    }

    /// <summary>Every failure is one clear line and an exit code; never a stack trace.</summary>
    private static int Report(IAnsiConsole console, Exception exception)
    {
        var (code, kind) = exception switch
        {
            CommandParseException or CommandRuntimeException or UsageException => (ExitCodes.Usage, "error"),
            RunFailure => (ExitCodes.CannotRun, "cannot run"),
            OperationCanceledException => (ExitCodes.CannotRun, "cancelled"),
            _ => (ExitCodes.CannotRun, "failed"),
        };
        var message = exception is CommandParseException or CommandRuntimeException or UsageException or RunFailure or OperationCanceledException
            ? exception.Message
            : $"{exception.GetType().Name}: {exception.Message}";
        console.MarkupLine($"[red]{kind}:[/] {Markup.Escape(message)}");
        if (code == ExitCodes.Usage) console.MarkupLine("see: mall bench --help, or mall bench <scenario> --help");
        return code;
    }
}
