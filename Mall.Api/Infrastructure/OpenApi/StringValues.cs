using System.Reflection;
using System.Text.Json;
using NJsonSchema.Generation;

namespace Mall.Infrastructure.OpenApi;

/// <summary>
/// A string the API only ever sends with one of the <c>public const string</c> values of <paramref name="valuesType"/>
/// (OrderStatus, ActivityStatus, …). The OpenAPI document lists them as the property's <c>enum</c>, so a typed client
/// gets a union of literals, while the code keeps the plain strings it stores in MySQL and Redis.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ValuesOfAttribute(Type valuesType) : Attribute
{
    public IReadOnlyList<string> Values { get; } = valuesType
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();
}

/// <summary>Writes each <see cref="ValuesOfAttribute"/> into the schema of its property as <c>enum</c>.</summary>
internal sealed class StringValuesSchemaProcessor : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        var type = context.ContextualType.Type;
        var constructor = type.GetConstructors().MaxBy(c => c.GetParameters().Length);
        foreach (var property in type.GetProperties())
        {
            // Records carry the attribute on the constructor parameter unless it says [property: …]; accept both.
            var values = property.GetCustomAttribute<ValuesOfAttribute>()
                         ?? constructor?.GetParameters().FirstOrDefault(p => p.Name == property.Name)?.GetCustomAttribute<ValuesOfAttribute>();
            if (values is null || !context.Schema.Properties.TryGetValue(JsonNamingPolicy.CamelCase.ConvertName(property.Name), out var schema))
                continue;
            schema.Enumeration.Clear();
            foreach (var value in values.Values) schema.Enumeration.Add(value);
        }
    }
}
