using Spectre.Console;
using LoadTestCli = Mall.LoadTests.Program;

namespace Mall.Tests.LoadTests;

/// <summary>A bad option is one clear message and exit code 2, never a stack trace (nothing here reaches a shop).</summary>
public sealed class ArgumentTests
{
    private static (int ExitCode, string Output) Run(params string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 400; // one message per line, whatever the terminal
        var code = LoadTestCli.Run(args, console);
        return (code, output.ToString());
    }

    [Theory]
    [InlineData("--model foo", "--model must be closed, open or ramp")]
    [InlineData("--connections 0", "--connections must be between 1 and 10000")]
    [InlineData("--duration -5", "--duration must be more than 0")]
    [InlineData("--model open", "--model open needs --rate > 0")]
    [InlineData("--model ramp --rate 10", "--ramp-to > 0")]
    [InlineData("--rate 100", "belong to --model open or ramp")]
    [InlineData("--max-error-rate 5", "--max-error-rate is a fraction")]
    [InlineData("--base-url ftp://127.0.0.1", "--base-url must be an absolute http(s) URL")]
    public void Invalid_values_exit_2_with_a_message_naming_the_option(string args, string message)
    {
        var (code, output) = Run(["browse", .. args.Split(' ')]);

        Assert.Equal(2, code);
        Assert.Contains(message, output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void A_non_loopback_target_is_refused_unless_the_host_is_named()
    {
        var (code, output) = Run("browse", "--base-url", "http://shop.example.com");

        Assert.Equal(2, code);
        Assert.Contains("Refusing to load-test shop.example.com", output);
        Assert.Contains("--allow-host shop.example.com", output);
    }

    [Theory]
    [InlineData("browse", "--connections", "abc")]
    [InlineData("browse", "--no-such-option")]
    [InlineData("seckill", "--flow", "sideways")]
    [InlineData("seckill", "--shoppers", "0")]
    [InlineData("login", "--accounts", "0")]
    [InlineData("teleport")]
    public void Unparseable_or_unknown_input_exits_2_without_a_stack_trace(params string[] args)
    {
        var (code, output) = Run(args);

        Assert.Equal(2, code);
        Assert.Contains("error", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void A_shop_that_does_not_answer_is_exit_3_with_a_hint()
    {
        // Port 9 (discard) on loopback: nothing listens there in the test environment.
        var (code, output) = Run("login", "--base-url", "http://127.0.0.1:9", "--no-live");

        Assert.Equal(3, code);
        Assert.Contains("does not answer", output);
        Assert.DoesNotContain("   at ", output);
    }
}
