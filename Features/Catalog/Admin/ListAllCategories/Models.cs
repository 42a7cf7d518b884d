namespace Mall.Features.Catalog.Admin.ListAllCategories;

/// <summary>A category in the console: its display order, icon and how many products (on or off shelf) it holds itself.</summary>
public sealed record CategoryNode(long Id, string Name, int SortOrder, string Icon, long ProductCount, IReadOnlyList<CategoryNode> Children);

public sealed record Response(IReadOnlyList<CategoryNode> Categories);
