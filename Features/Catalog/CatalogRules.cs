using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Mall.Features.Catalog;

/// <summary>Small rules the catalog slices share.</summary>
public static class CatalogRules
{
    /// <summary>Ids above this are not ours: rejected before any I/O (AUTO_INCREMENT will not get there).</summary>
    public const long MaxId = 999_999_999_999;

    /// <summary>Specs and images are stored as JSON; Chinese stays readable (and within the column) unescaped.</summary>
    private static readonly JsonSerializerOptions StoredJson = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public const int MaxSpecsJsonLength = 500;

    /// <summary>Images one product may have (uploaded and linked together).</summary>
    public const int MaxImages = 10;

    /// <summary>An image or icon is a path on this site (/media/...), never another origin.</summary>
    public static bool IsSitePath(string? path) => path is not null && path.StartsWith('/') && !path.StartsWith("//")
                                                   && !path.Contains('\\') && !path.Any(char.IsControl);

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, StoredJson);

    public static string[] ParseImages(string json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];

    public static Dictionary<string, string> ParseSpecs(string json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    /// <summary>A keyword is matched literally: % and _ typed by a shopper are not wildcards.</summary>
    public static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
