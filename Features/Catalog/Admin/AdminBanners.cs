using System.Data.Common;
using Dapper;
using FluentValidation;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Catalog.Admin;

/// <summary>What a banner links to (banners.target_type).</summary>
public static class BannerTargets
{
    public const string Product = "product";
    public const string Category = "category";
    public const string Seckill = "seckill";

    public static readonly string[] All = [Product, Category, Seckill];
}

/// <summary>A banner as the console and the audit log show it. An open window side is null.</summary>
public sealed record BannerView(long Id, string Title, string Image, [ValuesOf(typeof(BannerTargets))] string TargetType, long TargetId,
    int Position, DateTime? StartsAt, DateTime? EndsAt, bool Enabled, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>The fields create and update share, with one set of rules.</summary>
public interface IBannerInput
{
    string Title { get; }
    string Image { get; }
    string TargetType { get; }
    long TargetId { get; }
    int Position { get; }
    DateTime? StartsAt { get; }
    DateTime? EndsAt { get; }
}

public sealed class BannerInputRules<T> : AbstractValidator<T> where T : IBannerInput
{
    public BannerInputRules()
    {
        RuleFor(r => r.Title).NotEmpty().MaximumLength(64).Must(t => t is null || !t.Any(char.IsControl))
            .WithMessage("Title must not contain control characters.").WithErrorCode("input.control_characters");
        RuleFor(r => r.Image).NotEmpty().MaximumLength(300).Must(CatalogRules.IsSitePath)
            .WithMessage("The image is a site-local path such as /media/products/banners/….png.").WithErrorCode("banner.image_invalid");
        RuleFor(r => r.TargetType).Must(t => BannerTargets.All.Contains(t))
            .WithMessage("The link target is one of: product, category, seckill.").WithErrorCode("banner.target_type_invalid");
        RuleFor(r => r.TargetId).InclusiveBetween(1, CatalogRules.MaxId);
        RuleFor(r => r.Position).InclusiveBetween(0, AdminCategories.MaxSortOrder);
        RuleFor(r => r.EndsAt).Must((r, end) => r.StartsAt is null || end is null || end > r.StartsAt)
            .WithMessage("The window must end after it starts.").WithErrorCode("banner.window_invalid");
    }
}

/// <summary>What the console's banner slices share.</summary>
public static class AdminBanners
{
    public static readonly BannerView Example = new(3, "双十二 数码狂欢", "/media/products/banners/3f9a0c5e2b7d4e1f8a6b5c4d3e2f1a0b.webp",
        BannerTargets.Category, 1, 10, AdminExamples.At, AdminExamples.At.AddDays(7), true, AdminExamples.At, AdminExamples.At);

    private const string Columns = """
        SELECT id AS Id, title AS Title, image AS Image, target_type AS TargetType, target_id AS TargetId, position AS Position,
               starts_at AS StartsAt, ends_at AS EndsAt, enabled AS Enabled, created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM banners
        """;

    public const string All = Columns + " ORDER BY position, id";

    private const string FindBanner = Columns + " WHERE id = @Id";

    /// <summary>The banner, or null; with <paramref name="forUpdate"/> its row stays locked for the rest of <paramref name="tx"/>.</summary>
    public static async Task<BannerView?> FindAsync(DbConnection connection, DbTransaction? tx, long id, bool forUpdate, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<BannerRow>(new CommandDefinition(FindBanner + (forUpdate ? " FOR UPDATE" : ""),
            new { Id = id }, tx, cancellationToken: ct));
        return row?.View;
    }

    public static async Task<IReadOnlyList<BannerView>> AllAsync(DbConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<BannerRow>(new CommandDefinition(All, cancellationToken: ct))).Select(r => r.View).ToList();

    /// <summary>Whether the banner's target exists (inside the write's transaction, a shared lock keeps it until commit).</summary>
    public static async Task<bool> TargetExistsAsync(DbConnection connection, DbTransaction tx, string targetType, long targetId, CancellationToken ct)
    {
        var table = targetType switch
        {
            BannerTargets.Product => "products",
            BannerTargets.Category => "categories",
            _ => "seckill_activities",
        };
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM {table} WHERE id = @Id LOCK IN SHARE MODE", new { Id = targetId }, tx, cancellationToken: ct)) > 0;
    }

    public static IResult TargetMissing(string targetType) => Mall.Infrastructure.Problem.Of(StatusCodes.Status422UnprocessableEntity,
        "Unknown target", $"No {targetType} has that id.", code: "banner.target_not_found",
        args: new Dictionary<string, object?> { ["targetType"] = targetType });

    public static DateTime? Utc(DateTime? at) => at is null ? null : at.Value.Kind switch
    {
        DateTimeKind.Utc => at,
        DateTimeKind.Local => at.Value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(at.Value, DateTimeKind.Utc),
    };

    private sealed record BannerRow(long Id, string Title, string Image, string TargetType, long TargetId, int Position,
        DateTime? StartsAt, DateTime? EndsAt, bool Enabled, DateTime CreatedAt, DateTime UpdatedAt)
    {
        public BannerView View => new(Id, Title, Image, TargetType, TargetId, Position, Utc(StartsAt), Utc(EndsAt), Enabled,
            DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc), DateTime.SpecifyKind(UpdatedAt, DateTimeKind.Utc));
    }
}
