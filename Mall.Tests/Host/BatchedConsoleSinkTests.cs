using System.Text.Json;
using Mall.Infrastructure;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;

namespace Mall.Tests.Host;

/// <summary>Stdout written in batches: nothing on the request thread but a queue, nothing lost on a clean shutdown.</summary>
public sealed class BatchedConsoleSinkTests
{
    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse("Event {Number}");

    private static LogEvent Event(int number) => new(DateTimeOffset.UtcNow, LogEventLevel.Information, null, Template,
        [new LogEventProperty("Number", new ScalarValue(number))]);

    private static List<JsonElement> Lines(StringWriter output) => output.ToString()
        .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();

    // An hour: the tests flush by hand, so the timer never runs while they look.
    private static BatchedConsoleSink Sink(TextWriter output) => new(new CompactJsonFormatter(), TimeSpan.FromHours(1), output);

    [Fact]
    public void Events_wait_in_the_queue_and_a_flush_writes_them_as_json_lines_in_order()
    {
        var output = new StringWriter();
        using var sink = Sink(output);
        for (var i = 0; i < 3; i++) sink.Emit(Event(i));
        Assert.Equal("", output.ToString());

        sink.Flush();
        Assert.Equal([0, 1, 2], Lines(output).Select(l => l.GetProperty("Number").GetInt32()));
    }

    [Fact]
    public void Disposing_writes_what_is_still_waiting()
    {
        var output = new StringWriter();
        var sink = Sink(output);
        sink.Emit(Event(7));
        sink.Dispose(); // the host disposes the logger, and so its sinks, on shutdown
        Assert.Equal(7, Lines(output).Single().GetProperty("Number").GetInt32());
    }

    [Fact]
    public void Past_the_bound_events_are_dropped_and_the_drop_is_logged()
    {
        var output = new StringWriter();
        using var sink = Sink(output);
        for (var i = 0; i < BatchedConsoleSink.MaxQueued + 5; i++) sink.Emit(Event(i));

        sink.Flush();
        var lines = Lines(output);
        Assert.Equal(BatchedConsoleSink.MaxQueued + 1, lines.Count);
        var dropped = lines[0];
        Assert.Equal("Warning", dropped.GetProperty("@l").GetString());
        Assert.Equal(5, dropped.GetProperty("Count").GetInt64());

        sink.Emit(Event(-1)); // room again once written
        sink.Flush();
        Assert.Equal(-1, Lines(output)[^1].GetProperty("Number").GetInt32());
    }

    [Fact]
    public void A_stdout_that_fails_never_throws_out_of_the_timer_and_the_sink_keeps_queueing()
    {
        var reported = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Serilog.Debugging.SelfLog.Enable(message => reported.Enqueue(message));
        try
        {
            using var sink = Sink(new FailingWriter());
            sink.Emit(Event(1));
            sink.Flush(); // reported to Serilog's SelfLog, not thrown
            sink.Emit(Event(2));
            sink.Flush();
        }
        finally
        {
            Serilog.Debugging.SelfLog.Disable();
        }
        Assert.Contains(reported, message => message.Contains("could not write to stdout") && message.Contains("broken pipe"));
    }

    private sealed class FailingWriter : StringWriter
    {
        public override void Write(char value) => throw new IOException("broken pipe");
        public override void Write(string? value) => throw new IOException("broken pipe");
        public override void Write(char[] buffer, int index, int count) => throw new IOException("broken pipe");
    }
}
