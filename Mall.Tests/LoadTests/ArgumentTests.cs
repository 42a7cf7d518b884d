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

    [Theory]
    [InlineData("27")]
    [InlineData("-1")]
    [InlineData("1000")]
    public void Challenge_bits_outside_0_to_26_exit_2_naming_the_option(string bits)
    {
        var (code, output) = Run("seckill", "--challenge-bits", bits);

        Assert.Equal(2, code);
        Assert.Contains($"--challenge-bits must be between 0 and 26 (got {bits})", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void Challenge_bits_that_are_not_a_number_exit_2()
    {
        var (code, output) = Run("seckill", "--challenge-bits", "many");

        Assert.Equal(2, code);
        Assert.Contains("error", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", output);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("26")]
    public void Challenge_bits_from_0_to_26_pass_validation(string bits)
    {
        // Past validation the run looks for the shop: port 9 (discard) does not answer, so exit 3, not 2.
        var (code, output) = Run("seckill", "--challenge-bits", bits, "--base-url", "http://127.0.0.1:9", "--no-live");

        Assert.Equal(3, code);
        Assert.Contains("does not answer", output);
    }

    [Fact]
    public void The_seckill_help_lists_challenge_bits()
    {
        var (code, output) = Run("seckill", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--challenge-bits", output);
        Assert.Contains("proof-of-work", output);
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
    [InlineData("checkout", "--skus", "0")]
    [InlineData("checkout", "--skus", "1001")]
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
