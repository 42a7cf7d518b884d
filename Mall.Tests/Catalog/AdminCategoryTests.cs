using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Catalog;

/// <summary>The console's category tree: create, rename, reorder, icon, delete.</summary>
public sealed class AdminCategoryTests(MallApp app) : IClassFixture<MallApp>
{
    private sealed record Created(long Id, string Name, long? ParentId);
    private sealed record Category(long Id, long? ParentId, string Name, int SortOrder, string Icon);
    private sealed record AdminNode(long Id, string Name, int SortOrder, string Icon, long ProductCount, AdminNode[] Children);
    private sealed record AdminTree(AdminNode[] Categories);
    private sealed record Node(long Id, string Name, string Icon, Node[] Children);
    private sealed record Tree(Node[] Categories);

    private async Task<long> CreateAsync(Shopper admin, string name, long? parentId = null, int sortOrder = 0) =>
        (await (await admin.Client.PostAsJsonAsync("/api/v1/admin/categories", new { name, parentId, sortOrder }))
            .ReadAsync<Created>(HttpStatusCode.Created)).Id;

    [Fact]
    public async Task Rename_reorder_and_icon_show_in_the_shops_tree_at_once_and_are_audited()
    {
        var admin = await app.AdminAsync();
        var anonymous = app.CreateClient();
        var top = await CreateAsync(admin, "家电" + Guid.NewGuid().ToString("N")[..6], sortOrder: 50);
        var first = await CreateAsync(admin, "冰箱", top, 10);
        var second = await CreateAsync(admin, "洗衣机", top, 20);
        Assert.Equal([first, second], (await (await anonymous.GetAsync("/api/v1/categories")).ReadAsync<Tree>())
            .Categories.Single(c => c.Id == top).Children.Select(c => c.Id));

        var renamed = await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/categories/{second}", new { name = " 滚筒洗衣机 ", sortOrder = 5 }))
            .ReadAsync<Category>();
        Assert.Equal(new Category(second, top, "滚筒洗衣机", 5, ""), renamed);
        var iconed = await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/categories/{first}", new { icon = "/media/icons/fridge.svg" }))
            .ReadAsync<Category>();
        Assert.Equal(new Category(first, top, "冰箱", 10, "/media/icons/fridge.svg"), iconed);

        // The cached tree was invalidated: the new order, name and icon at once.
        var children = (await (await anonymous.GetAsync("/api/v1/categories")).ReadAsync<Tree>()).Categories.Single(c => c.Id == top).Children;
        Assert.Equal([(second, "滚筒洗衣机", ""), (first, "冰箱", "/media/icons/fridge.svg")], children.Select(c => (c.Id, c.Name, c.Icon)));
        var console = (await (await admin.Client.GetAsync("/api/v1/admin/categories")).ReadAsync<AdminTree>()).Categories.Single(c => c.Id == top);
        Assert.Equal([(second, 5), (first, 10)], console.Children.Select(c => (c.Id, c.SortOrder)));

        await using var db = await app.OpenDbAsync();
        var audit = await db.QuerySingleAsync<(long ActorId, string Before, string After)>(
            "SELECT actor_id, before_json, after_json FROM admin_audit WHERE action = 'category.update' AND entity_id = @Id", new { Id = second.ToString() });
        Assert.Equal(admin.UserId, audit.ActorId);
        Assert.Equal("洗衣机", JsonDocument.Parse(audit.Before).RootElement.GetProperty("name").GetString());
        Assert.Equal(5, JsonDocument.Parse(audit.After).RootElement.GetProperty("sortOrder").GetInt32());
        Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM admin_audit WHERE action = 'category.create' AND entity_id = @Id",
            new { Id = second.ToString() }));
    }

    [Fact]
    public async Task Bad_updates_are_refused()
    {
        var admin = await app.AdminAsync();
        var id = await CreateAsync(admin, "杂项");
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/categories/{id}", new { })).ShouldBeValidationErrorAsync("name");
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/categories/{id}", new { name = "" })).ShouldBeValidationErrorAsync("name");
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/categories/{id}", new { sortOrder = -1 })).ShouldBeValidationErrorAsync("sortOrder");
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/categories/{id}", new { icon = "https://evil.example/x.png" })).ShouldBeValidationErrorAsync("icon");
        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/categories/987654321", new { name = "无" })).ShouldBeNotFoundAsync("The category");
    }

    [Fact]
    public async Task A_category_with_products_or_subcategories_cannot_be_deleted_an_empty_one_can()
    {
        var admin = await app.AdminAsync();
        var top = await CreateAsync(admin, "待删" + Guid.NewGuid().ToString("N")[..6]);
        var sub = await CreateAsync(admin, "子类", top);
        var sku = (await app.ProductAsync(stock: 1, categoryId: sub))[0];
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE products SET on_shelf = 0 WHERE id = @Id", new { Id = sku.ProductId });

        var withProduct = await (await admin.Client.DeleteAsync($"/api/v1/admin/categories/{sub}")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("category.not_empty", withProduct.GetProperty("code").GetString());
        Assert.Equal(1, withProduct.GetProperty("args").GetProperty("products").GetInt32());
        var withChild = await (await admin.Client.DeleteAsync($"/api/v1/admin/categories/{top}")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(("category.not_empty", 1), (withChild.GetProperty("code").GetString(), withChild.GetProperty("args").GetProperty("children").GetInt32()));

        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("DELETE FROM skus WHERE product_id = @Id; DELETE FROM products WHERE id = @Id", new { Id = sku.ProductId });
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/v1/admin/categories/{sub}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/v1/admin/categories/{top}")).StatusCode);
        Assert.DoesNotContain((await (await app.CreateClient().GetAsync("/api/v1/categories")).ReadAsync<Tree>()).Categories, c => c.Id == top);
        await (await admin.Client.DeleteAsync($"/api/v1/admin/categories/{top}")).ShouldBeNotFoundAsync("The category");

        await using var check = await app.OpenDbAsync();
        var audit = await check.QuerySingleAsync<(string Before, string? After)>(
            "SELECT before_json, after_json FROM admin_audit WHERE action = 'category.delete' AND entity_id = @Id", new { Id = sub.ToString() });
        Assert.Null(audit.After);
        Assert.Equal("子类", JsonDocument.Parse(audit.Before).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Shoppers_get_403_from_every_console_category_endpoint()
    {
        var admin = await app.AdminAsync();
        var shopper = await app.FastShopperAsync();
        var id = await CreateAsync(admin, "保留");
        HttpRequestMessage[] requests =
        [
            new(HttpMethod.Get, "/api/v1/admin/categories"),
            new(HttpMethod.Post, "/api/v1/admin/categories") { Content = JsonContent.Create(new { name = "x" }) },
            new(HttpMethod.Put, $"/api/v1/admin/categories/{id}") { Content = JsonContent.Create(new { name = "改名" }) },
            new(HttpMethod.Delete, $"/api/v1/admin/categories/{id}"),
        ];
        foreach (var request in requests)
            await (await shopper.Client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await using var db = await app.OpenDbAsync();
        Assert.Equal("保留", await db.ExecuteScalarAsync<string>("SELECT name FROM categories WHERE id = @Id", new { Id = id }));
    }
}
