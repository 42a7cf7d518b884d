namespace Mall.LoadTests.Engine;

public enum LoadModelKind { Closed, Open, Ramp }

/// <summary>
/// How virtual users arrive. Closed: a fixed number of users, each starting its next iteration when the last one
/// ends. Open: iterations start at a constant rate whatever the answers do (k6's constant-arrival-rate). Ramp: an
/// open model whose rate climbs linearly from <see cref="Rate"/> to <see cref="RampToRate"/> over the duration.
/// Either model stops at the duration or at the iteration count, whichever comes first.
/// </summary>
public sealed record LoadModel(
    LoadModelKind Kind, int Concurrency, double Rate, double RampToRate, TimeSpan Duration, long? Iterations, int MaxInFlight)
{
    public string Describe() => Kind switch
    {
        LoadModelKind.Closed => $"closed, {Concurrency} connections",
        LoadModelKind.Open => $"open, {Rate:0.#}/s (max {MaxInFlight} in flight)",
        _ => $"ramp {Rate:0.#}/s → {RampToRate:0.#}/s over {Duration.TotalSeconds:0.#} s",
    } + (Iterations is { } n ? $", at most {n:N0} iterations" : "") + $", at most {Duration.TotalSeconds:0.#} s";
}

/// <summary>
/// When the i-th iteration of an open or ramp model is meant to start, in seconds from the start. Latency is
/// measured from this intended time, not from the moment the request actually left: when the server stalls,
/// the requests that should have been sent meanwhile count their full wait (no coordinated omission).
/// </summary>
public static class OpenSchedule
{
    public static double IntendedSeconds(long iteration, double rate, double rampToRate, double rampSeconds)
    {
        if (rate <= 0 && rampToRate <= 0) throw new ArgumentOutOfRangeException(nameof(rate), "A rate must be positive.");
        if (rampSeconds <= 0 || Math.Abs(rampToRate - rate) < 1e-9) return iteration / rate;

        // Arrivals by time t under a linear ramp: N(t) = r0·t + (r1 − r0)·t² / (2T). Solve N(t) = i for t.
        var slope = (rampToRate - rate) / rampSeconds;
        var arrivalsDuringRamp = (rate + rampToRate) / 2 * rampSeconds;
        if (iteration >= arrivalsDuringRamp) return rampSeconds + (iteration - arrivalsDuringRamp) / rampToRate;
        var a = slope / 2;
        return (-rate + Math.Sqrt(rate * rate + 4 * a * iteration)) / (2 * a);
    }
}
