using System.Security.Cryptography;
using System.Text;
using Mall.LoadTests.Shop;

namespace Mall.Tests.LoadTests;

public sealed class ChallengeSolverTests
{
    [Theory]
    [InlineData(new byte[] { }, 0)]
    [InlineData(new byte[] { 0x80 }, 0)]
    [InlineData(new byte[] { 0x7F, 0x00 }, 1)]
    [InlineData(new byte[] { 0x01 }, 7)]
    [InlineData(new byte[] { 0x00 }, 8)]
    [InlineData(new byte[] { 0x00, 0x10, 0xFF }, 11)]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x01 }, 31)]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x00 }, 32)]
    public void Leading_zero_bits_count_from_the_most_significant_bit_of_byte_0(byte[] bytes, int expected) =>
        Assert.Equal(expected, ChallengeSolver.LeadingZeroBits(bytes));

    [Fact]
    public void A_known_vector_sha256_of_abc()
    {
        // FIPS 180-2, appendix B.1: SHA-256("abc") = ba7816bf… — the first byte 0xBA has its top bit set.
        var hash = SHA256.HashData("abc"u8);

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(hash));
        Assert.Equal(0, ChallengeSolver.LeadingZeroBits(hash));
        Assert.Equal(4, ChallengeSolver.LeadingZeroBits([0x0b, .. hash]));
    }

    [Theory]
    [InlineData("c6f1d2a0-8f5e-4b7a-9d11-0f2e3c4b5a69", 8)]
    [InlineData("Zr4pQm8WvX2nL0kT", 12)]
    [InlineData("challenge-é-ü", 12)]
    public void A_solution_verifies_and_is_the_first_counter_that_does(string challengeId, int difficulty)
    {
        var solution = ChallengeSolver.Solve(challengeId, difficulty, out var hashes);

        Assert.Equal(long.Parse(solution) + 1, hashes);
        Assert.True(ChallengeSolver.Verify(challengeId, solution, difficulty));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{challengeId}:{solution}"));
        Assert.True(ChallengeSolver.LeadingZeroBits(hash) >= difficulty);
        for (var n = 0; n < long.Parse(solution); n++)
            Assert.False(ChallengeSolver.Verify(challengeId, n.ToString(), difficulty));
    }

    [Fact]
    public void Difficulty_0_is_solved_by_the_first_counter()
    {
        Assert.Equal("0", ChallengeSolver.Solve("any", 0, out var hashes));
        Assert.Equal(1, hashes);
    }

    [Fact]
    public void A_long_challenge_id_beyond_the_stack_buffer_still_solves()
    {
        var id = new string('x', 1000);

        Assert.True(ChallengeSolver.Verify(id, ChallengeSolver.Solve(id, 6), 6));
    }

    [Theory]
    [InlineData("9", "10")]
    [InlineData("0", "1")]
    [InlineData("199", "200")]
    [InlineData("999", "1000")]
    [InlineData("1234", "1235")]
    public void The_decimal_counter_increments_in_place(string before, string after)
    {
        Span<byte> buffer = stackalloc byte[32];
        "id:"u8.CopyTo(buffer);
        Encoding.ASCII.GetBytes(before, buffer[3..]);

        var length = ChallengeSolver.Increment(buffer, 3, 3 + before.Length);

        Assert.Equal(after, Encoding.ASCII.GetString(buffer[3..length]));
    }

    [Fact]
    public void Measured_solves_report_hashes_and_cpu_time()
    {
        var solved = ChallengeSolver.SolveMeasured("measured", 10);

        Assert.True(ChallengeSolver.Verify("measured", solved.Solution, 10));
        Assert.Equal(long.Parse(solved.Solution) + 1, solved.Hashes);
        Assert.True(solved.CpuNanoseconds > 0);
        Assert.Equal(OperatingSystem.IsLinux(), solved.CpuTimeIsThreadTime);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChallengeSolver.Solve("x", -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChallengeSolver.Solve("x", 257));
    }
}
