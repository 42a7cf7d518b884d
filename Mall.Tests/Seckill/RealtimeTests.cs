using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

public sealed class RealtimeTests(SeckillApp app) : IClassFixture<SeckillApp>
{
    [Fact]
    public async Task A_connected_buyer_gets_server_time_stock_updates_and_the_result_of_their_attempt()
    {
        var activity = await app.CreateActivityAsync(stock: 5);
        var buyer = await app.BuyerAsync();
        await using var hub = await HubConnection.ConnectAsync(app, buyer.AccessToken);
        // The hub greets every new connection with the server time: from then on it is addressable.
        await Http.EventuallyAsync(() => Task.FromResult(hub.Received("ServerTime").Any()), because: "connected");

        var reservation = await app.CreateClient().BuyAsync(buyer, activity);

        await Http.EventuallyAsync(() => Task.FromResult(hub.Received("SeckillResult").Any(m =>
            m.GetProperty("reservationId").GetString() == reservation && m.GetProperty("status").GetString() == "OrderCreated"
            && m.GetProperty("orderNo").GetString()!.StartsWith("SK"))), because: "SeckillResult pushed");
        await Http.EventuallyAsync(() => Task.FromResult(hub.Received("ActivityStock").Any(m =>
            m.GetProperty("activityId").GetInt64() == activity && m.GetProperty("stockLeft").GetInt64() == 4)), because: "ActivityStock broadcast");
        Assert.All(hub.Received("ServerTime"), m => Assert.True(m.GetProperty("serverTimeMs").GetInt64() > 0));
    }

    /// <summary>Just enough of the SignalR JSON protocol over the test server's WebSocket: handshake, then collect invocations.</summary>
    private sealed class HubConnection : IAsyncDisposable
    {
        private const char Separator = '\u001e';
        private readonly WebSocket _socket;
        private readonly ConcurrentQueue<(string Target, JsonElement Argument)> _messages = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _reading;

        private HubConnection(WebSocket socket)
        {
            _socket = socket;
            _reading = ReadAsync();
        }

        public static async Task<HubConnection> ConnectAsync(MallApp app, string accessToken)
        {
            var socket = await app.Server.CreateWebSocketClient()
                .ConnectAsync(new Uri($"ws://localhost/hubs/mall?access_token={accessToken}"), CancellationToken.None);
            await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}" + Separator),
                WebSocketMessageType.Text, true, CancellationToken.None);
            return new HubConnection(socket);
        }

        public IEnumerable<JsonElement> Received(string target) => _messages.Where(m => m.Target == target).Select(m => m.Argument);

        private async Task ReadAsync()
        {
            var buffer = new byte[16 * 1024];
            var text = new StringBuilder();
            try
            {
                while (_socket.State == WebSocketState.Open)
                {
                    var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
                    var all = text.ToString();
                    var end = all.LastIndexOf(Separator);
                    if (end < 0) continue;
                    foreach (var frame in all[..end].Split(Separator, StringSplitOptions.RemoveEmptyEntries))
                    {
                        var message = JsonDocument.Parse(frame).RootElement;
                        if (message.TryGetProperty("type", out var type) && type.GetInt32() == 1)
                            _messages.Enqueue((message.GetProperty("target").GetString()!, message.GetProperty("arguments")[0].Clone()));
                    }
                    text.Clear().Append(all[(end + 1)..]);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (WebSocketException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _reading;
            _socket.Dispose();
        }
    }
}
