namespace Mall.Features.Catalog.ListCategories;

/// <summary>A category; <c>icon</c> is a site-local image path, or empty.</summary>
public sealed record CategoryNode(long Id, string Name, string Icon, IReadOnlyList<CategoryNode> Children);

public sealed record Response(IReadOnlyList<CategoryNode> Categories);
