namespace Mall.Features.Orders.Expiry;

/// <summary>
/// Where an expiry pass's next batch starts: after this (expires_at, id), a keyset over the (status, expires_at) index,
/// so orders that stay PendingPayment (poison rows) cannot hold the passes on the same rows. Both expiry passes use it.
/// </summary>
public sealed record ExpiryCursor(DateTime ExpiresAt, long Id)
{
    public static readonly ExpiryCursor Start = new(new DateTime(1000, 1, 1), 0); // MariaDB's earliest DATETIME
}
