using System.Collections.Concurrent;
using Mall.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Mall.Tests.Infrastructure;

/// <summary>Stands in for IHubContext&lt;MallHub&gt;: records what the API pushes, and to whom.</summary>
public sealed class RecordingHubContext : IHubContext<MallHub>
{
    public ConcurrentQueue<(string Target, string Method, object?[] Args)> Sent { get; } = new();

    /// <summary>Targets whose pushes fail (a backplane that is down, say), as "user:42".</summary>
    public ConcurrentDictionary<string, byte> Failing { get; } = new();

    public IHubClients Clients => new RecordingClients(this);
    public IGroupManager Groups => throw new NotSupportedException();

    private sealed class RecordingClients(RecordingHubContext owner) : IHubClients
    {
        private IClientProxy To(string target) => new Proxy(owner, target);
        public IClientProxy All => To("all");
        public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => To("all");
        public IClientProxy Client(string connectionId) => To("connection:" + connectionId);
        public IClientProxy Clients(IReadOnlyList<string> connectionIds) => To("connections");
        public IClientProxy Group(string groupName) => To("group:" + groupName);
        public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => To("group:" + groupName);
        public IClientProxy Groups(IReadOnlyList<string> groupNames) => To("groups");
        public IClientProxy User(string userId) => To("user:" + userId);
        public IClientProxy Users(IReadOnlyList<string> userIds) => To("users");
    }

    private sealed class Proxy(RecordingHubContext owner, string target) : IClientProxy
    {
        public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
        {
            if (owner.Failing.ContainsKey(target)) throw new IOException($"The test fails pushes to {target}.");
            owner.Sent.Enqueue((target, method, args));
            return Task.CompletedTask;
        }
    }
}
