using System.Threading.Channels;
using Mall.Features.Catalog;
using Mall.Infrastructure;

namespace Mall.Features.Orders;

/// <summary>
/// Group commit: requests are queued per lane, and each lane commits whatever has queued up as one MySQL transaction,
/// with <see cref="CheckoutOptions.GroupsInFlightPerLane"/> transactions at a time. There is no timer: alone, a request
/// is a group of one; under load a group grows while the previous one commits. Every request is answered on its own,
/// after its group committed (or rolled back), so a crash mid-group loses nothing that was answered. Checkout and the
/// shopper's cancel use it, so a hot SKU's stock row is locked and committed once per group instead of once per order.
/// </summary>
public abstract class GroupCommit<TRequest, TOutcome>(CheckoutOptions settings, ILogger logger) : BackgroundService
{
    private Channel<Pending>[] _lanes = [];

    /// <summary>Requests with the same key always meet in one lane (a SKU id, a shopper id).</summary>
    protected abstract long LaneKey(TRequest request);

    /// <summary>One transaction for the group; completes every request's <see cref="Pending.Done"/> after it.</summary>
    protected internal abstract Task CommitGroupAsync(IReadOnlyList<Pending> group, CancellationToken ct);

    /// <summary>Queues the request with whatever else is queued for its lane; completes once its group committed.</summary>
    protected async Task<TOutcome> SubmitAsync(TRequest request, CancellationToken ct)
    {
        var pending = new Pending(request);
        var lanes = _lanes;
        if (lanes.Length == 0) throw new InvalidOperationException($"{GetType().Name} is not running (the host is starting or stopping).");
        await lanes[(int)(LaneKey(request) % lanes.Length)].Writer.WriteAsync(pending, ct);
        // Not cancelled with the request: once queued, it may be committed, and the answer must then be the truth.
        return await pending.Done.Task.WaitAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _lanes = Enumerable.Range(0, Math.Max(1, settings.Lanes))
            .Select(_ => Channel.CreateBounded<Pending>(new BoundedChannelOptions(settings.QueuePerLane) { FullMode = BoundedChannelFullMode.Wait }))
            .ToArray();
        // Several groups in flight per lane: the next group does its reads and inserts while the previous one holds the hot row.
        var loops = _lanes.SelectMany(lane => Enumerable.Range(0, Math.Max(1, settings.GroupsInFlightPerLane)).Select(_ => RunLaneAsync(lane, stoppingToken)));
        return Task.WhenAll(loops);
    }

    private async Task RunLaneAsync(Channel<Pending> lane, CancellationToken stoppingToken)
    {
        var size = Math.Max(1, settings.MaxGroupSize);
        var group = new List<Pending>(size);
        try
        {
            while (await lane.Reader.WaitToReadAsync(stoppingToken))
            {
                group.Clear();
                while (group.Count < size && lane.Reader.TryRead(out var pending)) group.Add(pending);
                if (group.Count > 0) await CommitSafelyAsync(group, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            while (lane.Reader.TryRead(out var pending)) pending.Done.TrySetCanceled(stoppingToken);
        }
    }

    internal async Task CommitSafelyAsync(List<Pending> group, CancellationToken ct)
    {
        try
        {
            await Deadlocks.RetryAsync(() => CommitGroupAsync(group, ct));
        }
        catch (Exception e) when (group.Count > 1 && !ct.IsCancellationRequested)
        {
            // Something no check foresaw broke the whole transaction: commit the requests one by one, so it fails only
            // the one it belongs to.
            logger.LogWarning(e, "A group of {Count} ({Kind}) failed; committing its requests one by one", group.Count, GetType().Name);
            foreach (var pending in group) await CommitSafelyAsync([pending], ct);
        }
        catch (Exception e)
        {
            foreach (var pending in group) pending.Done.TrySetException(e);
        }
    }

    /// <summary>
    /// After a committed group, the products' cached pages: a failure is logged, never thrown, because the group is
    /// committed and its requests must get the true answer, not a retry one by one (the pages catch up when they expire).
    /// </summary>
    protected async Task StockChangedAsync(CatalogCache cache, IReadOnlyCollection<long> productIds)
    {
        if (productIds.Count == 0) return;
        try
        {
            await cache.StockChangedAsync(productIds);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Invalidating the cached pages of products {ProductIds} failed after a committed group ({Kind})", productIds, GetType().Name);
        }
    }

    /// <summary>A queued request and its answer.</summary>
    public sealed class Pending(TRequest request)
    {
        public TRequest Request { get; } = request;
        public TaskCompletionSource<TOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
