using Mall.LoadTests.Shop;

namespace Mall.LoadTests.Scenarios;

/// <summary>A spread of per-shopper values: mean, median, 99th percentile (nearest rank) and maximum.</summary>
public sealed record Spread(double Mean, double P50, double P99, double Max)
{
    public static Spread Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return new Spread(0, 0, 0, 0);
        var sorted = values.Order().ToArray();
        double At(double percentile) => sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Spread(sorted.Average(), At(50), At(99), sorted[^1]);
    }
}

/// <summary>
/// What the seckill proof-of-work cost the shoppers (here: this CLI, which solves for all of them). Per shopper: every
/// challenge that shopper solved, a retry after a 428 included.
/// </summary>
/// <param name="Bits">the activity's challengeBits</param>
/// <param name="Shoppers">shoppers that solved at least one challenge</param>
/// <param name="Challenges">challenges solved (a shopper retried after a 428 solves two)</param>
/// <param name="Tokens">tokens issued to a shopper with a solved challenge</param>
/// <param name="Rejected">token requests answered 428 challenge_required (each also a failed request of step "token")</param>
/// <param name="Retries">token requests sent again with a fresh challenge after a 428 (at most one per shopper)</param>
/// <param name="StillRejected">shoppers answered 428 again on that retry: they got no token</param>
/// <param name="OtherDifficulty">challenges whose difficulty was not the activity's challengeBits</param>
/// <param name="CpuClock">"thread": the solving thread's own CPU clock; "wall": elapsed time (no per-thread clock here)</param>
/// <param name="ExpectedHashesPerChallenge">2^bits: the mean number of hashes a challenge takes</param>
/// <param name="HashesPerCpuSecond">the solver's rate on this machine, per core</param>
/// <param name="HashesPerToken">all hashes over tokens issued: what one token cost, wasted retries included</param>
public sealed record ChallengeCost(
    int Bits, long Shoppers, long Challenges, long Tokens, long Rejected, long Retries, long StillRejected, long OtherDifficulty,
    long TotalHashes, double TotalCpuSeconds, string CpuClock, double ExpectedHashesPerChallenge, double HashesPerCpuSecond,
    double HashesPerToken, double CpuMsPerToken, Spread HashesPerShopper, Spread CpuMsPerShopper);

/// <summary>Collects the solving cost per shopper while the phases run (thread-safe).</summary>
public sealed class ChallengeMeter(int shoppers)
{
    private readonly long[] _hashes = new long[shoppers];
    private readonly long[] _cpuNanos = new long[shoppers];
    private long _challenges, _tokens, _rejected, _retries, _stillRejected, _otherDifficulty, _wallClock;

    public void Solved(int shopper, int difficulty, int bits, SolvedChallenge solved)
    {
        Interlocked.Add(ref _hashes[shopper], solved.Hashes);
        Interlocked.Add(ref _cpuNanos[shopper], solved.CpuNanoseconds);
        Interlocked.Increment(ref _challenges);
        if (difficulty != bits) Interlocked.Increment(ref _otherDifficulty);
        if (!solved.CpuTimeIsThreadTime) Interlocked.Exchange(ref _wallClock, 1);
    }

    public void TokenIssued() => Interlocked.Increment(ref _tokens);
    public void Rejected() => Interlocked.Increment(ref _rejected);
    public void Retried() => Interlocked.Increment(ref _retries);
    public void StillRejected() => Interlocked.Increment(ref _stillRejected);

    public ChallengeCost Summarise(int bits)
    {
        var hashes = new List<double>();
        var cpuMs = new List<double>();
        long totalHashes = 0, totalNanos = 0;
        for (var i = 0; i < _hashes.Length; i++)
        {
            var h = Interlocked.Read(ref _hashes[i]);
            if (h == 0) continue;
            var n = Interlocked.Read(ref _cpuNanos[i]);
            hashes.Add(h);
            cpuMs.Add(n / 1e6);
            totalHashes += h;
            totalNanos += n;
        }
        var tokens = Interlocked.Read(ref _tokens);
        var cpuSeconds = totalNanos / 1e9;
        return new ChallengeCost(bits, hashes.Count, Interlocked.Read(ref _challenges), tokens, Interlocked.Read(ref _rejected),
            Interlocked.Read(ref _retries), Interlocked.Read(ref _stillRejected), Interlocked.Read(ref _otherDifficulty),
            totalHashes, cpuSeconds, Interlocked.Read(ref _wallClock) == 0 ? "thread" : "wall", Math.Pow(2, bits),
            cpuSeconds > 0 ? totalHashes / cpuSeconds : 0,
            tokens > 0 ? (double)totalHashes / tokens : 0, tokens > 0 ? totalNanos / 1e6 / tokens : 0,
            Spread.Of(hashes), Spread.Of(cpuMs));
    }
}
