using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Orders;

/// <summary>GET admin/orders/export: the search's orders as a CSV file Excel opens right, streamed while it is read.</summary>
public sealed class AdminExportTests(MallApp app) : IClassFixture<MallApp>
{
    private static async Task<(byte[] Bytes, List<string[]> Rows, HttpResponseMessage Response, long? ContentLength)> ExportAsync(HttpClient client, string query,
        string? language = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/orders/export?" + query);
        if (language is not null)
        {
            request.Headers.AcceptLanguage.Clear();
            request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        // Asked before reading: once the body is buffered here, HttpContent computes a length of its own.
        var contentLength = response.Content.Headers.ContentLength;
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(bytes));
        return (bytes, ParseCsv(Encoding.UTF8.GetString(bytes.AsSpan(3))), response, contentLength);
    }

    [Fact]
    public async Task The_file_has_a_bom_yuan_amounts_escaped_cells_and_no_formulas()
    {
        var admin = await app.AdminOnceAsync();
        var shopper = await app.FastShopperAsync();
        const string address = """{"receiver":"=HYPERLINK(\"http://evil\")","phone":"+8613800138000","province":"广东省","city":"深圳市","district":"南山区","detail":"科技园 1 栋, \"A\" 座\n101"}""";
        var tricky = await ConsoleOrders.InsertAsync(app, shopper.UserId, status: "Paid", totalCents: 12_345, title: "@SUM(1+1), \"限量\" 版",
            addressJson: address, createdAt: new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        var plain = await ConsoleOrders.InsertAsync(app, shopper.UserId, totalCents: 5, title: "-5 折扣", createdAt: new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var (bytes, rows, response, _) = await ExportAsync(admin.Client, $"userId={shopper.UserId}");
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches("^\"?orders-[0-9]{8}-[0-9]{6}\\.csv\"?$", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Contains("\r\n", Encoding.UTF8.GetString(bytes));

        var header = rows[0];
        Assert.Equal("Order no", header[0]); // the test client asks for English
        Assert.Equal(3, rows.Count);
        var row = rows[1].Select((cell, i) => (header[i], cell)).ToDictionary();
        Assert.Equal(tricky, row["Order no"]);
        Assert.Equal("123.45", row["Total (yuan)"]);
        Assert.Equal("'@SUM(1+1), \"限量\" 版 ×1", row["Items"]);
        Assert.Equal("'=HYPERLINK(\"http://evil\")", row["Receiver"]);
        Assert.Equal("'+8613800138000", row["Phone"]);
        Assert.Equal("广东省 深圳市 南山区 科技园 1 栋, \"A\" 座\n101", row["Address"]);
        Assert.Equal(shopper.Account, row["Account"]);
        Assert.Equal("2024-01-02 03:04:05", row["Created (UTC)"]);
        Assert.Equal("Paid", row["Status"]);
        Assert.Equal((plain, "0.05", "'-5 折扣 ×1"), (rows[2][0], rows[2][3], rows[2][5]));

        // The raw bytes quote what must be quoted, doubling the quotes inside.
        Assert.Contains("\"'@SUM(1+1), \"\"限量\"\" 版 ×1\"", Encoding.UTF8.GetString(bytes));

        var chinese = (await ExportAsync(admin.Client, $"userId={shopper.UserId}", "zh-CN")).Rows[0];
        Assert.Equal(["订单号", "类型", "状态", "金额（元）"], chinese[..4]);
    }

    [Fact]
    public async Task The_export_takes_the_search_filters()
    {
        var admin = await app.AdminOnceAsync();
        var shopper = await app.FastShopperAsync();
        var paid = await ConsoleOrders.InsertAsync(app, shopper.UserId, status: "Paid");
        await ConsoleOrders.InsertAsync(app, shopper.UserId, status: "PendingPayment");
        var seckill = await ConsoleOrders.InsertAsync(app, shopper.UserId, kind: "seckill", status: "Paid");

        Assert.Equal([seckill, paid], (await ExportAsync(admin.Client, $"account={Uri.EscapeDataString(shopper.Account)}&status=Paid")).Rows.Skip(1).Select(r => r[0]));
        Assert.Equal([seckill], (await ExportAsync(admin.Client, $"userId={shopper.UserId}&kind=seckill")).Rows.Skip(1).Select(r => r[0]));
        Assert.Equal([paid], (await ExportAsync(admin.Client, $"orderNo={paid}")).Rows.Skip(1).Select(r => r[0]));
        Assert.Single((await ExportAsync(admin.Client, "account=nobody%40test.mall")).Rows); // the header only

        await (await admin.Client.GetAsync("/api/v1/admin/orders/export?status=Lost")).ShouldBeValidationErrorAsync("status");
        await (await admin.Client.GetAsync("/api/v1/admin/orders/export?from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z")).ShouldBeValidationErrorAsync("to");
        await (await (await app.FastShopperAsync()).Client.GetAsync("/api/v1/admin/orders/export")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_big_export_streams_chunked_without_a_content_length()
    {
        var admin = await app.AdminOnceAsync();
        var busy = await app.FastShopperAsync();
        await ConsoleOrders.InsertManyAsync(app, busy.UserId, 3_000);

        var (_, rows, _, contentLength) = await ExportAsync(admin.Client, $"userId={busy.UserId}");
        Assert.Null(contentLength);
        Assert.Equal(3_001, rows.Count);
        Assert.Equal($"M{busy.UserId}X000001", rows[1][0]);
        Assert.Equal($"M{busy.UserId}X003000", rows[^1][0]);

        // Over a real socket: chunked transfer encoding, so the first rows leave before the last ones are read.
        using var peer = new PeerInstance(app);
        peer.UseKestrel(0);
        peer.StartServer();
        using var client = peer.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin.AccessToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/admin/orders/export?userId={busy.UserId}");
        using var streamed = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.True(streamed.Headers.TransferEncodingChunked, "the export is sent chunked");
        Assert.Null(streamed.Content.Headers.ContentLength);
        using var reader = new StreamReader(await streamed.Content.ReadAsStreamAsync(), Encoding.UTF8);
        var lines = 0;
        while (await reader.ReadLineAsync() is not null) lines++;
        Assert.Equal(3_001, lines);
    }

    /// <summary>RFC 4180: quoted cells may hold commas, doubled quotes and line breaks.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString()); cell.Clear();
                rows.Add([.. row]); row.Clear();
                i++;
            }
            else cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add([.. row]); }
        return rows;
    }
}
