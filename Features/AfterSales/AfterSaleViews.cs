using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using FastEndpoints;
using FluentValidation;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.AfterSales;

/// <summary>An after-sale's state (after_sales.status); AwaitingReview and Refunding are "open".</summary>
public static class AfterSaleStatus
{
    /// <summary>A return request of a shipped order, waiting for an admin.</summary>
    public const string AwaitingReview = "AwaitingReview";
    /// <summary>Its refund is with the provider (at once before shipping, after approval otherwise).</summary>
    public const string Refunding = "Refunding";
    public const string Refunded = "Refunded";
    public const string Rejected = "Rejected";
    public const string Cancelled = "Cancelled";

    public static readonly string[] All = [AwaitingReview, Refunding, Refunded, Rejected, Cancelled];
}

/// <summary>What the after-sale is: a refund of an order not shipped yet, or a return of a shipped one.</summary>
public static class AfterSaleKind
{
    public const string Refund = "refund";
    public const string Return = "return";
}

/// <summary>A refund's state (refunds.status).</summary>
public static class RefundStatus
{
    /// <summary>Not accepted by the provider yet (or its answer was lost): the worker asks again with the same number.</summary>
    public const string Pending = "Pending";
    /// <summary>Accepted; the provider's confirmation (WeChat Pay's REFUND.SUCCESS) is awaited.</summary>
    public const string Processing = "Processing";
    public const string Succeeded = "Succeeded";
}

public sealed record AfterSaleItemView(long SkuId, long ProductId, string Title, int Quantity);

public sealed record AfterSaleRefundView(string RefundNo, [ValuesOf(typeof(RefundStatus))] string Status, long AmountCents,
    DateTime CreatedAt, DateTime? SucceededAt);

/// <summary>One after-sale with its items, photos, review and refund.</summary>
public sealed record AfterSaleDetail(string AfterSaleNo, string OrderNo, [ValuesOf(typeof(AfterSaleKind))] string Kind,
    [ValuesOf(typeof(AfterSaleStatus))] string Status, string Reason, long AmountCents, IReadOnlyList<AfterSaleItemView> Items,
    IReadOnlyList<string> PhotoUrls, string? ReviewNote, AfterSaleRefundView? Refund, DateTime CreatedAt, DateTime? ReviewedAt,
    DateTime? RefundedAt, DateTime? ClosedAt, long? UserId = null);

public sealed record AfterSaleSummary(string AfterSaleNo, string OrderNo, [ValuesOf(typeof(AfterSaleKind))] string Kind,
    [ValuesOf(typeof(AfterSaleStatus))] string Status, long AmountCents, string Reason, DateTime CreatedAt, long? UserId = null);

public sealed record AfterSalePage(IReadOnlyList<AfterSaleSummary> Items, int Page, int PageSize, long Total);

/// <summary>Routes addressed by after-sale number; the shape is checked before any I/O.</summary>
public sealed class AfterSaleNoRequest
{
    public string AfterSaleNo { get; init; } = "";
}

public sealed class AfterSaleNoValidator : Validator<AfterSaleNoRequest>
{
    public AfterSaleNoValidator() =>
        RuleFor(r => r.AfterSaleNo).Must(AfterSaleNumbers.LooksValid).WithMessage("An after-sale number is 10–32 letters or digits.");
}

/// <summary>Paging (and an optional status) for the after-sale lists.</summary>
public sealed class AfterSalePageRequest
{
    public string? Status { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}

public sealed class AfterSalePageValidator : Validator<AfterSalePageRequest>
{
    public AfterSalePageValidator()
    {
        RuleFor(r => r.Status).Must(s => s is null || AfterSaleStatus.All.Contains(s))
            .WithMessage($"Status must be one of: {string.Join(", ", AfterSaleStatus.All)}.");
        RuleFor(r => r.Page).InclusiveBetween(1, 1000);
        RuleFor(r => r.PageSize).InclusiveBetween(1, 100);
    }
}

/// <summary>"AS"/"RF" + the order-number scheme: time-sortable, not guessable from one's own.</summary>
public static class AfterSaleNumbers
{
    public static string NewAfterSaleNo(DateTime nowUtc) => "AS" + Stamp(nowUtc);

    /// <summary>The out_refund_no / out_request_no: [0-9A-Za-z], well within both providers' 64 characters.</summary>
    public static string NewRefundNo(DateTime nowUtc) => "RF" + Stamp(nowUtc);

    public static bool LooksValid(string? no) => no is { Length: >= 10 and <= 32 } && no.All(char.IsAsciiLetterOrDigit);

    private static string Stamp(DateTime nowUtc) =>
        nowUtc.ToString("yyyyMMddHHmmssfff") + RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");
}

/// <summary>Reads shared by the after-sale slices (shopper and admin views differ only in the owner filter).</summary>
public static class AfterSaleQueries
{
    private const string ByNo = """
        SELECT a.id AS Id, a.user_id AS UserId, a.after_sale_no AS AfterSaleNo, a.order_no AS OrderNo, a.kind AS Kind, a.status AS Status,
               a.reason AS Reason, a.amount_cents AS AmountCents, a.photo_urls AS PhotoUrls, a.review_note AS ReviewNote,
               a.created_at AS CreatedAt, a.reviewed_at AS ReviewedAt, a.refunded_at AS RefundedAt, a.closed_at AS ClosedAt
        FROM after_sales a WHERE a.after_sale_no = @AfterSaleNo AND (@UserId IS NULL OR a.user_id = @UserId);

        SELECT i.sku_id AS SkuId, i.product_id AS ProductId,
               COALESCE((SELECT oi.title FROM order_items oi WHERE oi.order_id = a.order_id AND oi.sku_id = i.sku_id LIMIT 1), '') AS Title,
               i.quantity AS Quantity
        FROM after_sale_items i JOIN after_sales a ON a.id = i.after_sale_id
        WHERE a.after_sale_no = @AfterSaleNo ORDER BY i.sku_id;

        SELECT r.refund_no AS RefundNo, r.status AS Status, r.amount_cents AS AmountCents, r.created_at AS CreatedAt, r.succeeded_at AS SucceededAt
        FROM refunds r JOIN after_sales a ON a.id = r.after_sale_id WHERE a.after_sale_no = @AfterSaleNo;
        """;

    private const string PageOf = """
        SELECT after_sale_no AS AfterSaleNo, order_no AS OrderNo, kind AS Kind, status AS Status, amount_cents AS AmountCents,
               reason AS Reason, created_at AS CreatedAt, user_id AS UserId
        FROM after_sales
        WHERE (@UserId IS NULL OR user_id = @UserId) AND (@Status IS NULL OR status = @Status)
        ORDER BY created_at DESC, id DESC
        LIMIT @Limit OFFSET @Offset;

        SELECT COUNT(*) FROM after_sales WHERE (@UserId IS NULL OR user_id = @UserId) AND (@Status IS NULL OR status = @Status);
        """;

    /// <param name="ownerId">The shopper whose after-sale it must be; null for admins (any).</param>
    public static async Task<AfterSaleDetail?> FindAsync(MySqlConnection connection, string afterSaleNo, long? ownerId, CancellationToken ct,
        MySqlTransaction? transaction = null)
    {
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(ByNo, new { AfterSaleNo = afterSaleNo, UserId = ownerId },
            transaction, cancellationToken: ct));
        var row = await results.ReadSingleOrDefaultAsync<Row>();
        var items = (await results.ReadAsync<ItemRow>()).ToList();
        var refund = await results.ReadSingleOrDefaultAsync<RefundRow>();
        if (row is null) return null;
        return new AfterSaleDetail(row.AfterSaleNo, row.OrderNo, row.Kind, row.Status, row.Reason, row.AmountCents,
            items.Select(i => new AfterSaleItemView(i.SkuId, i.ProductId, i.Title, i.Quantity)).ToList(),
            JsonSerializer.Deserialize<List<string>>(row.PhotoUrls) ?? [], row.ReviewNote,
            refund is null ? null : new AfterSaleRefundView(refund.RefundNo, refund.Status, refund.AmountCents, Utc(refund.CreatedAt), Utc(refund.SucceededAt)),
            Utc(row.CreatedAt), Utc(row.ReviewedAt), Utc(row.RefundedAt), Utc(row.ClosedAt), ownerId is null ? row.UserId : null);
    }

    public static async Task<AfterSalePage> PageAsync(MySqlConnection connection, long? ownerId, AfterSalePageRequest req, CancellationToken ct)
    {
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(PageOf, new
        {
            UserId = ownerId, req.Status, Limit = req.PageSize, Offset = (req.Page - 1) * req.PageSize,
        }, cancellationToken: ct));
        var rows = await results.ReadAsync<SummaryRow>();
        var total = await results.ReadSingleAsync<long>();
        return new AfterSalePage(rows.Select(r => new AfterSaleSummary(r.AfterSaleNo, r.OrderNo, r.Kind, r.Status, r.AmountCents, r.Reason,
            Utc(r.CreatedAt), ownerId is null ? r.UserId : null)).ToList(), req.Page, req.PageSize, total);
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
    private static DateTime? Utc(DateTime? value) => value is null ? null : Utc(value.Value);

    private sealed record Row(long Id, long UserId, string AfterSaleNo, string OrderNo, string Kind, string Status, string Reason, long AmountCents,
        string PhotoUrls, string? ReviewNote, DateTime CreatedAt, DateTime? ReviewedAt, DateTime? RefundedAt, DateTime? ClosedAt);

    private sealed record ItemRow(long SkuId, long ProductId, string Title, int Quantity);

    private sealed record RefundRow(string RefundNo, string Status, long AmountCents, DateTime CreatedAt, DateTime? SucceededAt);

    private sealed record SummaryRow(string AfterSaleNo, string OrderNo, string Kind, string Status, long AmountCents, string Reason,
        DateTime CreatedAt, long UserId);
}

internal static class AfterSaleExamples
{
    private static readonly DateTime Asked = new(2026, 11, 27, 9, 30, 0, DateTimeKind.Utc);

    public static readonly AfterSaleDetail Detail = new("AS20261127093000000123456", "20261125081530123456789", AfterSaleKind.Return,
        AfterSaleStatus.AwaitingReview, "屏幕有划痕 / scratched screen", 299900, [new AfterSaleItemView(11, 1, "星河 X5 智能手机", 1)],
        ["https://img.example.com/after-sales/scratch.jpg"], null, null, Asked, null, null, null);

    public static readonly AfterSalePage Page = new(
        [new AfterSaleSummary(Detail.AfterSaleNo, Detail.OrderNo, Detail.Kind, Detail.Status, Detail.AmountCents, Detail.Reason, Asked)], 1, 20, 1);
}
