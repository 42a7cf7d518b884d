using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Conventions;

/// <summary>
/// The rest of the access matrix over every slice (anonymous callers, shoppers and the admin are in
/// EndpointContractTests and HostileInputTests): a disabled account is refused by every protected endpoint, and a
/// shopper reaching for another shopper's order, payment, address or reservation is told it does not exist.
/// </summary>
public sealed class AccessMatrixTests(PaymentsApp app) : IClassFixture<PaymentsApp>
{
    public static TheoryData<string> ProtectedSlices() => [.. SourceTree.Slices().Where(s => !s.Anonymous).Select(s => s.Folder)];

    [Theory]
    [MemberData(nameof(ProtectedSlices))]
    public async Task A_disabled_account_is_refused_by_every_protected_endpoint(string folder)
    {
        var slice = SourceTree.Slices().Single(s => s.Folder == folder);
        var shopper = await app.NewShopperAsync();
        var admin = await app.AdminAsync();
        (await admin.Client.PostAsync($"/api/v1/admin/accounts/{shopper.UserId}/disable", null)).EnsureSuccessStatusCode();

        using var response = await shopper.Client.SendAsync(RequestTo(slice, RouteOf(slice).Replace("{orderNo}", "N1").Replace("{paymentNo}", "P1")
            .Replace("{reservationId}", "1-1-0").Replace("{id}", "1").Replace("{skuId}", "1")));
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>Every slice that reads or acts on one shopper's own resource, with the route to another shopper's.</summary>
    public static TheoryData<string> OwnedSlices() =>
    [
        .. SourceTree.Slices()
            .Where(s => !s.Admin && !s.Anonymous && (s.Route.Contains("{orderNo}") || s.Route.Contains("{paymentNo}")
                                                   || s.Route.Contains("{reservationId}") || s.Route.StartsWith("addresses/{id}")))
            .Select(s => s.Folder),
    ];

    [Theory]
    [MemberData(nameof(OwnedSlices))]
    public async Task Another_shoppers_resource_does_not_exist_for_you(string folder)
    {
        var slice = SourceTree.Slices().Single(s => s.Folder == folder);
        var owner = await app.NewShopperAsync();
        var stranger = await app.NewShopperAsync();

        var orderNo = await app.NewOrderAsync(owner.UserId);
        var payment = await app.PayAsync(owner, orderNo, "wechatpay", "native");
        var address = await (await owner.Client.PostAsJsonAsync("/api/v1/addresses", new
        {
            receiver = "张三", phone = "13800138000", province = "上海市", city = "上海市", district = "浦东新区", detail = "世纪大道 1 号",
        })).ReadAsync<IdBody>(HttpStatusCode.Created);
        var reservationId = $"{await app.CreateActivityAsync(stock: 1)}-1764059000000-0";

        var url = RouteOf(slice).Replace("{orderNo}", orderNo).Replace("{paymentNo}", payment.PaymentNo)
            .Replace("{reservationId}", reservationId).Replace("{id}", address.Id.ToString());
        using var response = await stranger.Client.SendAsync(RequestTo(slice, url));
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        // And the owner's resource is untouched.
        Assert.Equal("PendingPayment", (await app.StateAsync(orderNo)).OrderStatus);
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.GetAsync("/api/v1/addresses")).StatusCode);
        Assert.Contains(address.Id.ToString(), await owner.Client.GetStringAsync("/api/v1/addresses"));
    }

    private static string RouteOf(SourceTree.Slice slice) =>
        slice.Route.StartsWith('/') ? slice.Route : "/api/v1/" + (slice.Admin ? "admin/" : "") + slice.Route;

    /// <summary>A request a valid body would also be: the endpoint must refuse it for who sends it, not for its shape.</summary>
    private static HttpRequestMessage RequestTo(SourceTree.Slice slice, string url)
    {
        var request = new HttpRequestMessage(new HttpMethod(slice.Verb), url);
        if (slice.Verb is "POST" or "PUT" or "PATCH")
        {
            var body = slice.Route switch
            {
                "orders/{orderNo}/payments" => """{"provider":"wechatpay","channel":"native"}""",
                "orders/{orderNo}/after-sales" => """{"reason":"不想要了","amountCents":100}""",
                "addresses/{id}" => """{"receiver":"李四","phone":"13900139000","province":"北京市","city":"北京市","district":"朝阳区","detail":"建国路 1 号"}""",
                _ => "{}",
            };
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }

    private sealed record IdBody(long Id);
}
