using System.Collections.Concurrent;
using Mall.Infrastructure;

namespace Mall.Features.Catalog;

/// <summary>What the near cache holds for a key: a cached response's JSON (empty = the "missing" marker) or a number
/// (the list version), and until when (app clock, Unix ms) it may be used.</summary>
public sealed class NearEntry(ReadOnlyMemory<byte> body, long number, long expiresAtMs)
{
    public ReadOnlyMemory<byte> Body { get; } = body;
    public long Number { get; } = number;
    public long ExpiresAtMs { get; } = expiresAtMs;

    /// <summary>What the entry counts against <see cref="CatalogCacheOptions.NearMaxMegabytes"/>: its bytes plus a
    /// rough allowance for the key, the entry and the dictionary node.</summary>
    internal long Size(string key) => Body.Length + key.Length * 2L + 96;
}

/// <summary>
/// The per-process copy in front of Redis for the catalog's hot keys (product pages, list pages, the category tree
/// and the list version). Entries live <see cref="CatalogCacheOptions.NearLifetimeMilliseconds"/> at most (never
/// past the Redis copy's freshness), so a missed eviction message costs at most that much staleness. Writes evict
/// here at once (<see cref="CatalogCache"/>) and on the other instances through Redis pub/sub
/// (<see cref="CatalogCacheListener"/>).
/// <para>
/// Bounded by <see cref="CatalogCacheOptions.NearMaxEntries"/> and <see cref="CatalogCacheOptions.NearMaxMegabytes"/>:
/// when full, expired entries are swept (at most every half lifetime) and, if it is still full, new entries are
/// simply not kept (their requests go to Redis as before). With a lifetime of a second or two, what stays is what
/// is hot.
/// </para>
/// <para>
/// Races between a fill and an eviction: a fill takes the key's generation before it reads Redis and keeps its entry
/// only if no eviction of that key (or of a key sharing its stripe) happened meanwhile, so a request that read the
/// pre-write copy cannot put it back after the write evicted it.
/// </para>
/// </summary>
public sealed class NearCache(CatalogCacheOptions options, TimeProvider clock)
{
    private const int Stripes = 64;
    private readonly ConcurrentDictionary<string, NearEntry> _entries = new(StringComparer.Ordinal);
    private readonly long[] _generations = new long[Stripes];
    private readonly long _maxBytes = (long)options.NearMaxMegabytes * 1024 * 1024;
    private long _count;
    private long _bytes;
    private readonly DueTime _sweep = new(0);

    public bool Enabled => options.NearLifetimeMilliseconds > 0 && options.NearMaxEntries > 0;

    /// <summary>Entries held right now (expired ones included until they are swept or replaced).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Bytes held right now, as counted against the size bound.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public bool TryGet(string key, out NearEntry entry)
    {
        if (_entries.TryGetValue(key, out entry!) && entry.ExpiresAtMs > NowMs()) return true;
        entry = null!;
        return false;
    }

    /// <summary>Take before reading what will be put; pass to <see cref="Put"/>.</summary>
    public long Generation(string key) => Volatile.Read(ref _generations[Stripe(key)]);

    /// <summary>Keeps a copy for at most the near lifetime and never past <paramref name="notAfterMs"/>, unless the
    /// key was evicted since <paramref name="generation"/> was taken or the cache is full.</summary>
    public void Put(string key, ReadOnlyMemory<byte> body, long number, long notAfterMs, long generation)
    {
        if (!Enabled) return;
        var now = NowMs();
        var entry = new NearEntry(body, number, Math.Min(now + options.NearLifetimeMilliseconds, notAfterMs));
        if (entry.ExpiresAtMs <= now) return;
        var size = entry.Size(key);
        if (IsFull(size) && (!TrySweep(now) || IsFull(size))) return;

        while (true)
        {
            if (_entries.TryGetValue(key, out var old))
            {
                if (_entries.TryUpdate(key, entry, old))
                {
                    Interlocked.Add(ref _bytes, size - old.Size(key));
                    break;
                }
            }
            else if (_entries.TryAdd(key, entry))
            {
                Interlocked.Increment(ref _count);
                Interlocked.Add(ref _bytes, size);
                break;
            }
        }
        // An eviction between reading the value and now: drop what we just put (unless someone replaced it already).
        if (Generation(key) != generation) Remove(key, entry);
    }

    /// <summary>A write changed the key: drop the local copy now, and stop fills already under way from keeping theirs.</summary>
    public void Evict(string key)
    {
        Interlocked.Increment(ref _generations[Stripe(key)]);
        if (_entries.TryRemove(key, out var old)) Forget(key, old);
    }

    /// <summary>Forget everything (after a Redis reconnect, when eviction messages may have been missed).</summary>
    public void Clear()
    {
        for (var i = 0; i < Stripes; i++) Interlocked.Increment(ref _generations[i]);
        foreach (var (key, entry) in _entries) Remove(key, entry);
    }

    private bool IsFull(long size) =>
        Interlocked.Read(ref _count) >= options.NearMaxEntries || Interlocked.Read(ref _bytes) + size > _maxBytes;

    /// <summary>Drops expired entries; one caller at a time and at most every half lifetime, so a cache full of live
    /// entries does not cost every request a scan.</summary>
    private bool TrySweep(long now)
    {
        if (!_sweep.TryClaim(now, Math.Max(1, options.NearLifetimeMilliseconds / 2))) return false;
        foreach (var (key, entry) in _entries)
            if (entry.ExpiresAtMs <= now) Remove(key, entry);
        return true;
    }

    private void Remove(string key, NearEntry entry)
    {
        if (_entries.TryRemove(KeyValuePair.Create(key, entry))) Forget(key, entry);
    }

    private void Forget(string key, NearEntry entry)
    {
        Interlocked.Decrement(ref _count);
        Interlocked.Add(ref _bytes, -entry.Size(key));
    }

    private static int Stripe(string key) => (StringComparer.Ordinal.GetHashCode(key) & int.MaxValue) % Stripes;

    private long NowMs() => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
