using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy to the shared MariaDB or Redis that a test can cut (open connections closed, new ones closed on
/// accept) and restore — an outage without touching the server other test runs use.
/// </summary>
public sealed class TcpProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly int _targetPort;
    private volatile bool _cut;
    private volatile TaskCompletionSource _flowing = Flowing();
    private volatile TaskCompletionSource _replying = Flowing();

    private static TaskCompletionSource Flowing()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>A proxy in front of the MariaDB the tests use (whatever port ./mall test started it on).</summary>
    public static TcpProxy ToDatabase() => new((int)new MySqlConnectionStringBuilder(MallApp.BaseConnectionString).Port);

    /// <summary>A proxy in front of the Redis a StackExchange.Redis connection string names (its first endpoint).</summary>
    public static TcpProxy ToRedis(string connectionString) => new(ConfigurationOptions.Parse(connectionString).EndPoints[0] switch
    {
        IPEndPoint ip => ip.Port,
        DnsEndPoint dns => dns.Port,
        var other => throw new NotSupportedException($"{other}"),
    });

    public void Cut()
    {
        _cut = true;
        foreach (var connection in _open.Keys) connection.Dispose();
    }

    public void Restore() => _cut = false;

    /// <summary>Keeps every connection open but passes no more bytes: a server that accepts and never answers.</summary>
    public void Freeze() => _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Thaw() => _flowing.TrySetResult();

    /// <summary>Passes requests on but holds the server's replies until <see cref="ReleaseReplies"/>: commands run, and
    /// their answers are late.</summary>
    public void HoldReplies() => _replying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseReplies() => _replying.TrySetResult();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            if (_cut) client.Dispose();
            else _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort);
            _open[client] = 0;
            _open[server] = 0;
            if (_cut) return;
            await Task.WhenAny(PumpAsync(client.GetStream(), server.GetStream(), reply: false), PumpAsync(server.GetStream(), client.GetStream(), reply: true));
        }
        catch (Exception)
        {
            // A cut or a closed side ends the pipe.
        }
        finally
        {
            client.Dispose();
            server.Dispose();
            _open.TryRemove(client, out _);
            _open.TryRemove(server, out _);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool reply)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            await _flowing.Task;
            if (reply) await _replying.Task;
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        Thaw();
        ReleaseReplies();
        _listener.Stop();
        Cut();
    }
}
