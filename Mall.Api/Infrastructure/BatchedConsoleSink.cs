using System.Collections.Concurrent;
using System.Text;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Mall.Infrastructure;

/// <summary>
/// Log events on stdout, written a batch at a time by a timer. A request thread only enqueues: no lock, no wake-up of a
/// writer thread, no system call. Serilog's async console sink woke its worker and made one write per event, which was
/// 8.5 % of the API's CPU in the checkout profile (docs/benchmarks.md); Serilog's own batching sink wakes per event too.
/// Events wait at most one interval; the last ones are written when the host disposes the logger. Past
/// <see cref="MaxQueued"/> waiting events (stdout blocked) new ones are dropped and counted, and the count is logged.
/// </summary>
public sealed class BatchedConsoleSink : ILogEventSink, IDisposable
{
    public const int MaxQueued = 100_000;
    private static readonly MessageTemplate DroppedTemplate =
        new MessageTemplateParser().Parse("Dropped {Count} log events: stdout did not keep up");

    private readonly ConcurrentQueue<LogEvent> _queue = new();
    private readonly ITextFormatter _formatter;
    private readonly TextWriter _output;
    private readonly Timer _timer;
    private readonly Lock _writing = new();
    private int _queued;
    private long _dropped;
    private bool _disposed;

    public BatchedConsoleSink(ITextFormatter formatter, TimeSpan interval, TextWriter? output = null)
    {
        _formatter = formatter;
        // Its own buffered writer on fd 1: Console.Out flushes on every write.
        _output = output ?? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
        _timer = new Timer(_ => Flush(), null, interval, interval);
    }

    public void Emit(LogEvent logEvent)
    {
        if (Interlocked.Increment(ref _queued) > MaxQueued)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
            return;
        }
        _queue.Enqueue(logEvent);
    }

    /// <summary>Writes what is waiting. A tick that finds the previous one still writing leaves the work to it.</summary>
    public void Flush()
    {
        if (!_writing.TryEnter()) return;
        try
        {
            if (_disposed) return;
            WriteWaiting();
        }
        catch (Exception e)
        {
            // A timer callback must not throw (it would end the process); stdout may be gone (a closed pipe). What
            // could not be written is lost, the rest keeps queueing up to the bound.
            SelfLog.WriteLine("BatchedConsoleSink could not write to stdout: {0}", e);
        }
        finally
        {
            _writing.Exit();
        }
    }

    private void WriteWaiting()
    {
        var wrote = false;
        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
        {
            _formatter.Format(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Warning, null, DroppedTemplate,
                [new LogEventProperty("Count", new ScalarValue(dropped))]), _output);
            wrote = true;
        }
        while (_queue.TryDequeue(out var logEvent))
        {
            Interlocked.Decrement(ref _queued);
            _formatter.Format(logEvent, _output);
            wrote = true;
        }
        if (wrote) _output.Flush();
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_writing)
        {
            if (_disposed) return;
            try
            {
                WriteWaiting();
                _output.Dispose();
            }
            catch (Exception e)
            {
                SelfLog.WriteLine("BatchedConsoleSink could not write to stdout on shutdown: {0}", e);
            }
            finally
            {
                _disposed = true;
            }
        }
    }
}
