namespace Mall.Features.Catalog.ListCategories;

public sealed record CategoryNode(long Id, string Name, IReadOnlyList<CategoryNode> Children);

public sealed record Response(IReadOnlyList<CategoryNode> Categories);
