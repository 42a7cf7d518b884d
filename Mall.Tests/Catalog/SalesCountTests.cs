using System.Net;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Catalog;

/// <summary>A paid order's units count as the product's sales, on its cached page at once and in the sales sort.</summary>
public sealed class SalesCountTests(PaymentsApp app) : IClassFixture<PaymentsApp>
{
    private sealed record Product(long Id, long Sales);
    private sealed record Summary(long Id, long Sales);
    private sealed record Page(Summary[] Items);

    private async Task<long> ProductOfAsync(string orderNo)
    {
        await using var db = await app.OpenDbAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(db,
            "SELECT i.product_id FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.order_no = @OrderNo", new { OrderNo = orderNo });
    }

    [Fact]
    public async Task Paying_an_order_adds_its_units_to_the_sales_shown_on_the_cached_product_page()
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 3 * 1_500, quantity: 3);
        var productId = await ProductOfAsync(orderNo);
        var anonymous = app.CreateClient();
        // Cached before the payment: the payment must refresh it.
        Assert.Equal(0, (await (await anonymous.GetAsync($"/api/v1/products/{productId}")).ReadAsync<Product>()).Sales);

        var payment = await app.PayAsync(shopper, orderNo, "wechatpay", "native");
        await app.ConfirmAtSandboxAsync(payment.CodeUrl!);
        await app.EventuallyAsync(orderNo, s => s.OrderStatus == "Paid", "the sandbox notifies the payment");

        Assert.Equal(3, (await (await anonymous.GetAsync($"/api/v1/products/{productId}")).ReadAsync<Product>()).Sales);
        var bySales = await (await anonymous.GetAsync("/api/v1/products?sort=sales&q=" + Uri.EscapeDataString("Test item") + "&pageSize=100")).ReadAsync<Page>();
        Assert.Contains(new Summary(productId, 3), bySales.Items);
        Assert.Equal(bySales.Items.Select(i => i.Sales).OrderDescending(), bySales.Items.Select(i => i.Sales));

        // A duplicate notification counts nothing twice.
        Assert.Equal(HttpStatusCode.OK, (await shopper.Client.GetAsync($"/api/v1/payments/{payment.PaymentNo}")).StatusCode);
        Assert.Equal(3, (await (await anonymous.GetAsync($"/api/v1/products/{productId}")).ReadAsync<Product>()).Sales);
    }
}
