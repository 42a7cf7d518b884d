using System.Data.Common;
using Dapper;

namespace Mall.Features.Seckill.Admin;

/// <summary>
/// An activity's MySQL row as the operator's changes see it (locked FOR UPDATE inside the change's transaction) and as
/// the audit log records it before and after. Settable properties, not a record: Dapper then converts whatever integer
/// and date types the server (MySQL or MariaDB) gives.
/// </summary>
public sealed class ActivityRecord
{
    public long Id { get; set; }
    public long SkuId { get; set; }
    public string Title { get; set; } = "";
    public long PriceCents { get; set; }
    public int Stock { get; set; }
    public int LimitPerUser { get; set; }
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    public int ChallengeBits { get; set; }
    public int? PaymentSeconds { get; set; }
    public DateTime? PublishedAt { get; set; }
    public DateTime? CancelledAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public int ReleasedUnits { get; set; }
    public int Version { get; set; }

    private const string Select = """
        SELECT id AS Id, sku_id AS SkuId, title AS Title, price_cents AS PriceCents, stock AS Stock, limit_per_user AS LimitPerUser,
               starts_at AS StartsAt, ends_at AS EndsAt, challenge_bits AS ChallengeBits, payment_seconds AS PaymentSeconds,
               published_at AS PublishedAt, cancelled_at AS CancelledAt, closed_at AS ClosedAt, released_units AS ReleasedUnits,
               version AS Version
        FROM seckill_activities WHERE id = @Id
        """;

    /// <summary>The row, locked until the transaction ends (changes to one activity queue up instead of interleaving).</summary>
    public static Task<ActivityRecord?> LockAsync(DbConnection connection, DbTransaction transaction, long id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<ActivityRecord>(new CommandDefinition(Select + " FOR UPDATE", new { Id = id }, transaction,
            cancellationToken: ct));

    public bool Published => PublishedAt is not null;
    public bool Cancelled => CancelledAt is not null;
    public bool Ended(DateTime nowUtc) => ClosedAt is not null || EndsAt <= nowUtc;
    public bool Started(DateTime nowUtc) => StartsAt <= nowUtc;

    /// <summary>A copy, for the audit log's "before" while the row changes.</summary>
    public ActivityRecord Copy() => (ActivityRecord)MemberwiseClone();
}

/// <summary>The codes of the operator's seckill problems, named once (each has its texts in ProblemTexts*.resx).</summary>
public static class ActivityProblems
{
    public static IResult NotFound => Mall.Infrastructure.Problem.NotFound("The activity", code: "seckill.activity_not_found");

    public static IResult Cancelled => Mall.Infrastructure.Problem.Conflict("The activity was cancelled; it can no longer be changed.",
        code: "seckill.cancelled");

    public static IResult Ended => Mall.Infrastructure.Problem.Conflict("The activity has ended; it can no longer be changed.",
        code: "seckill.ended");

    public static IResult Started => Mall.Infrastructure.Problem.Conflict("The activity has started; it can no longer be changed.",
        code: "seckill.started");

    public static IResult AlreadyPublished => Mall.Infrastructure.Problem.Conflict("The activity is already published.",
        code: "seckill.already_published");

    public static IResult SkuStockInsufficient => Mall.Infrastructure.Problem.Conflict(
        "The SKU has not enough available stock for this activity.", code: "seckill.sku_stock_insufficient");

    public static IResult SkuNotFound => Mall.Infrastructure.Problem.NotFound("The SKU", code: "seckill.sku_not_found");
}
