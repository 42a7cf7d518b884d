using System.Data.Common;
using Dapper;

namespace Mall.Features.Catalog.Admin;

/// <summary>A category as the console and the audit log show it.</summary>
public sealed record CategoryView(long Id, long? ParentId, string Name, int SortOrder, string Icon);

/// <summary>What the console's category slices share.</summary>
public static class AdminCategories
{
    public const int MaxSortOrder = 100_000;

    private const string FindCategory = """
        SELECT id AS Id, parent_id AS ParentId, name AS Name, sort_order AS SortOrder, icon AS Icon FROM categories WHERE id = @Id
        """;

    /// <summary>The category, or null; with <paramref name="forUpdate"/> its row stays locked for the rest of <paramref name="tx"/>.</summary>
    public static Task<CategoryView?> FindAsync(DbConnection connection, DbTransaction? tx, long id, bool forUpdate, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<CategoryView>(new CommandDefinition(FindCategory + (forUpdate ? " FOR UPDATE" : ""), new { Id = id }, tx,
            cancellationToken: ct));
}
