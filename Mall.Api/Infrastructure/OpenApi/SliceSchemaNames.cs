using NJsonSchema.Generation;

namespace Mall.Infrastructure.OpenApi;

/// <summary>
/// Schema names a client can live with. Every slice has its own <c>Request</c> and <c>Response</c>, so a type of a
/// slice is named after the slice (<c>Mall.Features.Orders.GetOrder.Response</c> → <c>GetOrderResponse</c>,
/// <c>Mall.Features.Catalog.GetProduct.SkuView</c> → <c>GetProductSkuView</c>); a type shared by a feature or by the
/// host keeps its own name (<c>OrderDetail</c>, <c>ProblemBody</c>). Two types that would get one name fail the
/// document's generation instead of being numbered silently.
/// </summary>
public sealed class SliceSchemaNames : ISchemaNameGenerator
{
    private readonly Dictionary<string, Type> _taken = [];

    public string Generate(Type type)
    {
        var name = NameOf(type);
        lock (_taken)
        {
            if (_taken.TryGetValue(name, out var other) && other != type)
                throw new InvalidOperationException($"OpenAPI schema name {name} would stand for both {other.FullName} and {type.FullName}.");
            _taken[name] = type;
        }
        return name;
    }

    private static string NameOf(Type type)
    {
        if (type.IsGenericType)
        {
            var arguments = string.Join("And", type.GetGenericArguments().Select(NameOf));
            return PlainName(type)[..PlainName(type).IndexOf('`')] + "Of" + arguments;
        }
        if (Slice(type) is { } slice && !type.Name.StartsWith(slice, StringComparison.Ordinal)) return slice + PlainName(type);
        return PlainName(type);
    }

    private static string PlainName(Type type) => type.DeclaringType is { } outer ? PlainName(outer) + type.Name : type.Name;

    /// <summary>The slice folder a type lives in: <c>Mall.Features.{Feature}[.Admin].{Slice}</c>.</summary>
    private static string? Slice(Type type)
    {
        var parts = (type.Namespace ?? "").Split('.');
        if (parts.Length < 4 || parts[0] != "Mall" || parts[1] != "Features") return null;
        var rest = parts[3] == "Admin" ? parts[4..] : parts[3..];
        return rest.Length == 1 ? rest[0] : null;
    }
}
