using Mall.LoadTests.Reporting;

namespace Mall.Tests.LoadTests;

/// <summary>How the CLI finds the API's process and reads its memory and GC figures.</summary>
public sealed class ApiMeterTests
{
    [Fact]
    public void The_gc_figures_come_from_the_apis_runtime_metrics()
    {
        const string metrics = """
            # HELP system_runtime_dotnet_gc_pause_time The total amount of time paused in GC since the process has started.
            system_runtime_dotnet_gc_collections{gc_heap_generation="gen2"} 3
            system_runtime_dotnet_gc_collections{gc_heap_generation="gen1"} 7
            system_runtime_dotnet_gc_collections{gc_heap_generation="gen0"} 120
            system_runtime_dotnet_gc_pause_time 0.953936
            """;

        var (figures, missing) = GcFigures.Parse(metrics);

        Assert.Null(missing);
        Assert.Equal(new GcFigures(0.953936, 120, 7, 3), figures);
        var (later, _) = GcFigures.Parse(metrics.Replace("0.953936", "1.203936").Replace("} 120", "} 150"));
        var delta = later! - figures!;
        Assert.Equal(250, delta.PauseSeconds * 1000, 3);
        Assert.Equal((30L, 0L, 0L), (delta.Gen0, delta.Gen1, delta.Gen2));
    }

    [Fact]
    public void Metrics_without_the_pause_time_say_so()
    {
        var (figures, missing) = GcFigures.Parse("process_working_set_bytes 1\n");

        Assert.Null(figures);
        Assert.Contains(GcFigures.PauseMetric, missing);
    }

    [Theory]
    [InlineData("LISTEN 0 512 127.0.0.1:5080 0.0.0.0:* users:((\"dotnet\",pid=4242,fd=220))", 4242)]
    [InlineData("LISTEN 0 512 127.0.0.1:5080 0.0.0.0:* users:((\"dotnet\",pid=4242,fd=220))\nLISTEN 0 512 [::1]:5080 [::]:* users:((\"dotnet\",pid=4242,fd=221))", 4242)]
    [InlineData("LISTEN 0 512 127.0.0.1:5080 0.0.0.0:*", null)]
    [InlineData("", null)]
    public void The_listener_of_the_port_is_the_single_pid_ss_names(string output, int? pid) => Assert.Equal(pid, ApiMeter.ParseListener(output));

    [Fact]
    public void This_process_has_a_resident_set_and_a_high_water_mark()
    {
        var rss = ApiMeter.StatusBytes(Environment.ProcessId, "VmRSS");
        var peak = ApiMeter.StatusBytes(Environment.ProcessId, "VmHWM");

        Assert.NotNull(rss);
        Assert.True(peak >= rss, $"VmHWM {peak} < VmRSS {rss}");
        Assert.Equal(2048L * 1024, ApiMeter.ParseKilobytes("\t  2048 kB"));
    }

    [Fact]
    public void The_report_states_rss_and_gc_pause()
    {
        var use = new ApiUse(4242, "--watch-pid", 95, 180.4, 170, 201, 12.5, 30, 2, 0, null);

        var text = use.Describe();

        Assert.Contains("peak RSS 201 MiB (VmHWM, since it started), 180 MiB at most during the run", text);
        Assert.Contains("GC paused it 12.5 ms during the measured phases (collections: gen0 30, gen1 2, gen2 0)", text);
    }
}
