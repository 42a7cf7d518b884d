using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.Admin.ExportOrders;

public sealed class Endpoint(MySqlDataSource db, TimeProvider clock) : Endpoint<Request>
{
    // Every matching order, newest first, read row by row (never the whole result in memory): a year of a big shop
    // streams out at the speed the operator's browser takes it.
    private const string Rows = """
        SELECT o.order_no AS OrderNo, o.kind AS Kind, o.status AS Status, o.total_cents AS TotalCents, o.user_id AS UserId,
               COALESCE(u.account, '') AS Account, o.address_snapshot AS AddressSnapshot, o.cancel_reason AS CancelReason,
               o.carrier AS Carrier, o.tracking_no AS TrackingNo, o.created_at AS CreatedAt, o.paid_at AS PaidAt, o.shipped_at AS ShippedAt,
               o.completed_at AS CompletedAt, o.cancelled_at AS CancelledAt,
               (SELECT CAST(COALESCE(SUM(i.quantity), 0) AS SIGNED) FROM order_items i WHERE i.order_id = o.id) AS Quantity,
               COALESCE((SELECT GROUP_CONCAT(CONCAT(i.title, ' ×', i.quantity) ORDER BY i.id SEPARATOR '; ')
                         FROM order_items i WHERE i.order_id = o.id), '') AS Items
        FROM orders o LEFT JOIN users u ON u.id = o.user_id
        WHERE {0}
        ORDER BY o.created_at DESC, o.id DESC
        """;

    // GROUP_CONCAT stops at 1,024 bytes by default; an order has at most Orders:MaxLinesPerOrder lines of ≤ 120 characters.
    private const string LongerItemLists = "SET SESSION group_concat_max_len = 65536";

    private static readonly string[] EnglishHeader =
    [
        "Order no", "Kind", "Status", "Total (yuan)", "Quantity", "Items", "User id", "Account", "Receiver", "Phone", "Address",
        "Carrier", "Tracking no", "Cancel reason", "Created (UTC)", "Paid (UTC)", "Shipped (UTC)", "Received (UTC)", "Cancelled (UTC)",
    ];

    private static readonly string[] ChineseHeader =
    [
        "订单号", "类型", "状态", "金额（元）", "件数", "商品", "用户编号", "账号", "收货人", "电话", "收货地址",
        "快递公司", "快递单号", "取消原因", "下单时间（UTC）", "付款时间（UTC）", "发货时间（UTC）", "收货时间（UTC）", "取消时间（UTC）",
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override void Configure()
    {
        Get("orders/export");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Export orders as CSV (admin)";
            s.Description = "The orders GET admin/orders would find (same filters, no paging), newest first, as a CSV file streamed while it " +
                            "is read (chunked, no Content-Length). UTF-8 with a byte-order mark (Excel opens the Chinese right), a header row " +
                            "in the caller's language, amounts in yuan with two decimals, times in UTC; cells beginning with = + - @ are " +
                            "prefixed with ' so a spreadsheet never runs them as formulas.";
            s.Responses[200] = "The CSV file (text/csv).";
            s.Responses[400] = "The same refusals as the order search.";
        });
        Description(d => d.Accepts<Request>().Produces(200, typeof(string), "text/csv").ProducesProblems(400), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var criteria = await OrderCriteria.OfAsync(connection, req, ct);

        var response = HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"orders-{clock.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
        response.Headers.CacheControl = "no-store";
        // The BOM first: without it Excel reads UTF-8 as the local code page and the Chinese turns to mojibake.
        await response.Body.WriteAsync(Encoding.UTF8.Preamble.ToArray(), ct);
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        await WriteRowAsync(writer, english ? EnglishHeader : ChineseHeader);
        if (criteria is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(LongerItemLists, cancellationToken: ct));
            var rows = connection.QueryUnbufferedAsync<Row>(string.Format(Rows, criteria.Where), criteria.Parameters);
            await foreach (var row in rows.WithCancellation(ct))
                await WriteRowAsync(writer, Cells(row));
        }
        await writer.FlushAsync(ct);
    }

    private static string?[] Cells(Row row)
    {
        var address = Address(row.AddressSnapshot);
        return
        [
            row.OrderNo, row.Kind, row.Status, (row.TotalCents / 100m).ToString("0.00", CultureInfo.InvariantCulture),
            row.Quantity.ToString(CultureInfo.InvariantCulture), row.Items, row.UserId.ToString(CultureInfo.InvariantCulture), row.Account,
            address?.Receiver, address?.Phone,
            address is null ? null : $"{address.Province} {address.City} {address.District} {address.Detail}",
            row.Carrier, row.TrackingNo, row.CancelReason, Time(row.CreatedAt), Time(row.PaidAt), Time(row.ShippedAt), Time(row.CompletedAt),
            Time(row.CancelledAt),
        ];
    }

    private static AddressSnapshot? Address(string? snapshot)
    {
        if (string.IsNullOrEmpty(snapshot)) return null;
        try { return JsonSerializer.Deserialize<AddressSnapshot>(snapshot, Json); }
        catch (JsonException) { return null; } // one odd snapshot must not cut the file short
    }

    private static string? Time(DateTime? value) => value?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static Task WriteRowAsync(StreamWriter writer, IReadOnlyList<string?> cells)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) line.Append(',');
            line.Append(Csv.Cell(cells[i]));
        }
        return writer.WriteAsync(line.Append("\r\n"));
    }

    private sealed record Row(string OrderNo, string Kind, string Status, long TotalCents, long UserId, string Account, string? AddressSnapshot,
        string? CancelReason, string? Carrier, string? TrackingNo, DateTime CreatedAt, DateTime? PaidAt, DateTime? ShippedAt, DateTime? CompletedAt,
        DateTime? CancelledAt, long Quantity, string Items);
}
