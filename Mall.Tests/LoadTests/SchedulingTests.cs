using System.Diagnostics;
using System.Net;
using Mall.LoadTests.Engine;

namespace Mall.Tests.LoadTests;

public sealed class SchedulingTests
{
    [Fact]
    public void Open_model_at_a_constant_rate_spaces_intended_times_evenly()
    {
        Assert.Equal(0, OpenSchedule.IntendedSeconds(0, 200, 200, 0));
        Assert.Equal(0.005, OpenSchedule.IntendedSeconds(1, 200, 200, 0), 9);
        Assert.Equal(5.0, OpenSchedule.IntendedSeconds(1000, 200, 200, 0), 9);
    }

    [Fact]
    public void Ramp_starts_slowly_and_arrives_at_the_area_under_the_rate_line()
    {
        // 100/s → 300/s over 10 s: (100 + 300) / 2 · 10 = 2000 arrivals during the ramp.
        Assert.Equal(0, OpenSchedule.IntendedSeconds(0, 100, 300, 10), 9);
        Assert.Equal(10.0, OpenSchedule.IntendedSeconds(2000, 100, 300, 10), 6);
        // After 5 s the rate is 200/s, so 100·5 + 100·25/10 = 750 arrivals.
        Assert.Equal(5.0, OpenSchedule.IntendedSeconds(750, 100, 300, 10), 6);
        // Past the ramp it continues at the final rate.
        Assert.Equal(11.0, OpenSchedule.IntendedSeconds(2300, 100, 300, 10), 6);
        var times = Enumerable.Range(0, 2000).Select(i => OpenSchedule.IntendedSeconds(i, 100, 300, 10)).ToList();
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps, g => Assert.True(g > 0));
        Assert.True(gaps[0] > gaps[^1], "the gaps shrink as the rate climbs");
    }

    [Fact]
    public void Ramp_from_zero_is_defined()
    {
        Assert.Equal(0, OpenSchedule.IntendedSeconds(0, 0, 100, 10));
        Assert.Equal(10.0, OpenSchedule.IntendedSeconds(500, 0, 100, 10), 6);
    }

    [Fact]
    public async Task First_step_latency_counts_from_the_intended_start_not_from_the_send()
    {
        using var http = new HttpClient(new InstantHandler()) { BaseAddress = new Uri("http://127.0.0.1:1") };
        var stats = new StatsCollector();
        // The iteration was due a second ago (the server had stalled the sender): that second is latency.
        var intended = Stopwatch.GetTimestamp() - Stopwatch.Frequency;
        var context = new IterationContext(0, intended, stats, http);

        await context.StepAsync("token", () => new HttpRequestMessage(HttpMethod.Get, "/"), s => s == 200, CancellationToken.None);
        await context.StepAsync("attempt", () => new HttpRequestMessage(HttpMethod.Get, "/"), s => s == 200, CancellationToken.None);

        var token = stats.Step("token").Summarize();
        var attempt = stats.Step("attempt").Summarize();
        Assert.True(token.MinMs >= 1000, $"token latency {token.MinMs} ms should include the second it was due");
        Assert.True(attempt.MaxMs < 1000, "a later step of the iteration is timed from its own send");
    }

    [Fact]
    public async Task A_send_released_before_its_intended_time_is_timed_from_the_send()
    {
        using var http = new HttpClient(new InstantHandler()) { BaseAddress = new Uri("http://127.0.0.1:1") };
        var stats = new StatsCollector();
        var context = new IterationContext(0, Stopwatch.GetTimestamp() + Stopwatch.Frequency, stats, http);

        await context.StepAsync("home", () => new HttpRequestMessage(HttpMethod.Get, "/"), s => s == 200, CancellationToken.None);

        var home = stats.Step("home").Summarize();
        Assert.True(home.MinMs > 0.001, "an answer that arrives before the intended time is not a zero latency");
        Assert.True(home.MaxMs < 1000);
    }

    [Theory]
    [InlineData(LoadModelKind.Closed)]
    [InlineData(LoadModelKind.Open)]
    public async Task A_run_stops_at_its_iteration_bound(LoadModelKind kind)
    {
        using var http = new HttpClient(new InstantHandler()) { BaseAddress = new Uri("http://127.0.0.1:1") };
        var stats = new StatsCollector();
        var model = new LoadModel(kind, 4, 2000, 2000, TimeSpan.FromMinutes(1), 50, 64);
        var phase = new Phase("p", (c, ct) => c.StepAsync("get", () => new HttpRequestMessage(HttpMethod.Get, "/"), s => s == 200, ct));

        await new Runner(http).RunAsync(phase, model, stats, CancellationToken.None);

        Assert.Equal(50, stats.Step("get").Count);
        Assert.Equal(0, stats.Step("get").Failed);
    }

    [Fact]
    public async Task A_phase_bound_smaller_than_the_models_wins()
    {
        using var http = new HttpClient(new InstantHandler()) { BaseAddress = new Uri("http://127.0.0.1:1") };
        var stats = new StatsCollector();
        var model = new LoadModel(LoadModelKind.Closed, 8, 0, 0, TimeSpan.FromMinutes(1), 1000, 64);
        var seen = new System.Collections.Concurrent.ConcurrentBag<long>();
        var phase = new Phase("shoppers", async (c, ct) =>
        {
            seen.Add(c.Index);
            await c.StepAsync("get", () => new HttpRequestMessage(HttpMethod.Get, "/"), s => s == 200, ct);
        }, MaxIterations: 30);

        await new Runner(http).RunAsync(phase, model, stats, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), seen.Order());
    }

    private sealed class InstantHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") });
    }
}
