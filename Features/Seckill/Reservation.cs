using StackExchange.Redis;

namespace Mall.Features.Seckill;

/// <summary>What a shopper is told about a reservation: written to an order yet, still queued, or failed.</summary>
public static class ReservationStatus
{
    public const string Queued = "Queued";
    public const string OrderCreated = "OrderCreated";
    public const string Failed = "Failed";
}

/// <summary>
/// One accepted attempt, as the Lua script appended it to the activity's log. Its id is the activity id and
/// the stream entry id ("42-1764059000000-0"): unique, known to every instance, no extra state. The order
/// number is derived from it, so a replayed reservation always produces the same order row.
/// </summary>
public readonly record struct Reservation(long ActivityId, string EntryId, long UserId, int Quantity, long PriceCents, long AtMs)
{
    public string Id => $"{ActivityId}-{EntryId}";

    // "SK" + entry time + sequence + activity: time-sortable, unique, never the shape of a checkout order number.
    public string OrderNo => $"SK{EntryId.Replace('-', 'S')}A{ActivityId}";

    public DateTime At => DateTimeOffset.FromUnixTimeMilliseconds(AtMs).UtcDateTime;

    public static Reservation FromEntry(long activityId, StreamEntry entry) => new(
        activityId, entry.Id.ToString(), (long)entry["u"], (int)entry["q"], (long)entry["p"], (long)entry["t"]);

    /// <summary>Splits "42-1764059000000-0" into the activity id and the stream entry id.</summary>
    public static bool TryParseId(string id, out long activityId, out string entryId)
    {
        activityId = 0;
        entryId = "";
        var dash = id.IndexOf('-');
        if (dash <= 0 || !long.TryParse(id.AsSpan(0, dash), out activityId)) return false;
        entryId = id[(dash + 1)..];
        var parts = entryId.Split('-');
        return parts.Length == 2 && ulong.TryParse(parts[0], out _) && ulong.TryParse(parts[1], out _);
    }
}
