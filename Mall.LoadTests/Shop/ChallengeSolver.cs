using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Mall.LoadTests.Shop;

/// <summary>One solved challenge: the counter, how many hashes it took and the CPU time the solving thread spent.</summary>
/// <param name="CpuTimeIsThreadTime">true when <paramref name="CpuNanoseconds"/> is the thread's own CPU clock (Linux);
/// false when it is wall time (no per-thread clock), which overstates the cost on a busy machine</param>
public readonly record struct SolvedChallenge(string Solution, long Hashes, long CpuNanoseconds, bool CpuTimeIsThreadTime);

/// <summary>
/// The shop's proof-of-work, solved the way a shopper's browser solves it: the decimal counter <c>solution</c>,
/// from 0 upwards, such that SHA-256 of the UTF-8 bytes of <c>challengeId + ":" + solution</c> has at least
/// <c>difficulty</c> leading zero bits (most significant bit of byte 0 first). The counter is kept as ASCII digits in
/// a stack buffer after the prefix and incremented in place, so a solve allocates only its answer.
/// </summary>
public static class ChallengeSolver
{
    public const int MaxDifficulty = 256;
    private const int MaxStackPrefix = 256;
    private const int MaxDigits = 20; // ulong.MaxValue has 20 digits; nothing near it is ever reached

    /// <summary>The first solution of <paramref name="challengeId"/> at <paramref name="difficulty"/>.</summary>
    public static string Solve(string challengeId, int difficulty) => Solve(challengeId, difficulty, out _);

    public static string Solve(string challengeId, int difficulty, out long hashes)
    {
        ArgumentNullException.ThrowIfNull(challengeId);
        ArgumentOutOfRangeException.ThrowIfNegative(difficulty);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(difficulty, MaxDifficulty);
        var prefixLength = Encoding.UTF8.GetByteCount(challengeId) + 1;
        Span<byte> buffer = prefixLength + MaxDigits <= MaxStackPrefix ? stackalloc byte[MaxStackPrefix] : new byte[prefixLength + MaxDigits];
        Encoding.UTF8.GetBytes(challengeId, buffer);
        buffer[prefixLength - 1] = (byte)':';
        buffer[prefixLength] = (byte)'0';
        var length = prefixLength + 1;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        for (hashes = 1; ; hashes++)
        {
            SHA256.HashData(buffer[..length], hash);
            if (LeadingZeroBits(hash) >= difficulty) return Encoding.ASCII.GetString(buffer[prefixLength..length]);
            length = Increment(buffer, prefixLength, length);
        }
    }

    /// <summary>Solves and measures: hashes tried and the CPU time of the solving thread.</summary>
    public static SolvedChallenge SolveMeasured(string challengeId, int difficulty)
    {
        var threadClock = ThreadCpu.TryNow(out var cpuBefore);
        var wallBefore = Stopwatch.GetTimestamp();
        var solution = Solve(challengeId, difficulty, out var hashes);
        long nanos;
        if (threadClock && ThreadCpu.TryNow(out var cpuAfter)) nanos = cpuAfter - cpuBefore;
        else
        {
            threadClock = false;
            nanos = (long)Stopwatch.GetElapsedTime(wallBefore).TotalNanoseconds;
        }
        return new SolvedChallenge(solution, hashes, Math.Max(nanos, 0), threadClock);
    }

    /// <summary>Whether <paramref name="solution"/> solves <paramref name="challengeId"/> at <paramref name="difficulty"/>.</summary>
    public static bool Verify(string challengeId, string solution, int difficulty)
    {
        var text = challengeId + ":" + solution;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return LeadingZeroBits(hash) >= difficulty;
    }

    /// <summary>Zero bits before the first one bit, most significant bit of byte 0 first.</summary>
    public static int LeadingZeroBits(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] != 0) return i * 8 + BitOperations.LeadingZeroCount((uint)bytes[i]) - 24;
        return bytes.Length * 8;
    }

    /// <summary>Adds one to the decimal digits in buffer[start..length]; returns the new length (one more on 9…9 → 10…0).</summary>
    internal static int Increment(Span<byte> buffer, int start, int length)
    {
        for (var i = length - 1; i >= start; i--)
        {
            if (buffer[i] != (byte)'9')
            {
                buffer[i]++;
                return length;
            }
            buffer[i] = (byte)'0';
        }
        if (length - start >= MaxDigits) throw new InvalidOperationException("The challenge counter ran out of digits.");
        buffer[start] = (byte)'1';
        buffer[length] = (byte)'0';
        return length + 1;
    }
}

/// <summary>The calling thread's CPU clock (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)), in nanoseconds.</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;
    private static bool _unavailable = !OperatingSystem.IsLinux();

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    public static bool TryNow(out long nanoseconds)
    {
        nanoseconds = 0;
        if (_unavailable) return false;
        try
        {
            if (ClockGetTime(ClockThreadCpuTimeId, out var time) != 0) return false;
            nanoseconds = time.Seconds * 1_000_000_000 + time.Nanoseconds;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return false;
        }
    }
}
