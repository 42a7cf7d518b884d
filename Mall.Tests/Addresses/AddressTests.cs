using System.Net;
using System.Net.Http.Json;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Addresses;

public sealed class AddressTests(MallApp app) : IClassFixture<MallApp>
{
    private sealed record Address(long Id, string Receiver, string Phone, string Province, string City, string District, string Detail, bool IsDefault);

    private static object Body(string receiver = "李雷", string phone = "13912345678", bool isDefault = false, string detail = "人民路 1 号") =>
        new { receiver, phone, province = "浙江省", city = "杭州市", district = "西湖区", detail, isDefault };

    [Fact]
    public async Task First_address_is_default_and_there_is_always_exactly_one_default()
    {
        var shopper = await app.FastShopperAsync();
        var first = await (await shopper.Client.PostAsJsonAsync("/api/v1/addresses", Body())).ReadAsync<Address>(HttpStatusCode.Created);
        Assert.True(first.IsDefault);
        var second = await (await shopper.Client.PostAsJsonAsync("/api/v1/addresses", Body("韩梅梅"))).ReadAsync<Address>(HttpStatusCode.Created);
        Assert.False(second.IsDefault);
        var third = await (await shopper.Client.PostAsJsonAsync("/api/v1/addresses", Body("王五", isDefault: true))).ReadAsync<Address>(HttpStatusCode.Created);
        Assert.True(third.IsDefault);

        var all = await (await shopper.Client.GetAsync("/api/v1/addresses")).ReadAsync<Address[]>();
        Assert.Equal(3, all.Length);
        Assert.Equal(third.Id, all.Single(a => a.IsDefault).Id);

        var edited = await (await shopper.Client.PutAsJsonAsync($"/api/v1/addresses/{second.Id}", Body("韩梅梅", isDefault: true, detail: "新地址 2 号")))
            .ReadAsync<Address>();
        Assert.Equal("新地址 2 号", edited.Detail);
        all = await (await shopper.Client.GetAsync("/api/v1/addresses")).ReadAsync<Address[]>();
        Assert.Equal(second.Id, all.Single(a => a.IsDefault).Id);

        Assert.Equal(HttpStatusCode.NoContent, (await shopper.Client.DeleteAsync($"/api/v1/addresses/{second.Id}")).StatusCode);
        all = await (await shopper.Client.GetAsync("/api/v1/addresses")).ReadAsync<Address[]>();
        Assert.Equal(2, all.Length);
        Assert.Single(all, a => a.IsDefault);
    }

    [Fact]
    public async Task Another_shoppers_address_is_404_for_every_verb()
    {
        var owner = await app.FastShopperAsync();
        var intruder = await app.FastShopperAsync();
        var address = await (await owner.Client.PostAsJsonAsync("/api/v1/addresses", Body())).ReadAsync<Address>(HttpStatusCode.Created);
        await (await intruder.Client.PutAsJsonAsync($"/api/v1/addresses/{address.Id}", Body("坏人"))).ShouldBeNotFoundAsync("The address");
        await (await intruder.Client.DeleteAsync($"/api/v1/addresses/{address.Id}")).ShouldBeNotFoundAsync("The address");
        Assert.Empty(await (await intruder.Client.GetAsync("/api/v1/addresses")).ReadAsync<Address[]>());
        var mine = await (await owner.Client.GetAsync("/api/v1/addresses")).ReadAsync<Address[]>();
        Assert.Equal("李雷", mine.Single().Receiver);
    }

    [Theory]
    [InlineData("phone", "12345")]
    [InlineData("phone", "23912345678")]
    [InlineData("phone", "")]
    [InlineData("receiver", "")]
    [InlineData("receiver", "a-name-that-is-far-too-long-for-a-receiver")]
    [InlineData("detail", "")]
    [InlineData("province", "bad\u0001")]
    public async Task Invalid_fields_are_400_naming_the_field(string field, string value)
    {
        var shopper = await app.FastShopperAsync();
        var body = new Dictionary<string, object>
        {
            ["receiver"] = "李雷", ["phone"] = "13912345678", ["province"] = "浙江省", ["city"] = "杭州市", ["district"] = "西湖区",
            ["detail"] = "人民路 1 号", ["isDefault"] = false,
        };
        body[field] = value;
        await (await shopper.Client.PostAsJsonAsync("/api/v1/addresses", body)).ShouldBeValidationErrorAsync(field);
    }

    [Fact]
    public async Task Over_long_detail_and_malformed_ids_are_400()
    {
        var shopper = await app.FastShopperAsync();
        await (await shopper.Client.PostAsJsonAsync("/api/v1/addresses", Body(detail: new string('路', 201)))).ShouldBeValidationErrorAsync("detail");
        await (await shopper.Client.PutAsJsonAsync("/api/v1/addresses/abc", Body())).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await shopper.Client.DeleteAsync("/api/v1/addresses/0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }
}
