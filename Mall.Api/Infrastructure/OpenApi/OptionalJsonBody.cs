using Namotion.Reflection;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Mall.Infrastructure.OpenApi;

/// <summary>
/// Endpoint metadata: the endpoint takes an optional JSON body of this type. Declaring it with <c>Accepts</c> would make
/// routing answer 415 to a request without a Content-Type (an older client that sends no body), so the body is added to
/// the OpenAPI document only, as not required.
/// </summary>
public sealed record OptionalJsonBody(Type BodyType);

/// <summary>Writes an endpoint's <see cref="OptionalJsonBody"/> into its operation.</summary>
internal sealed class OptionalJsonBodies : IOperationProcessor
{
    public bool Process(OperationProcessorContext context)
    {
        if (FastEndpointOperation.Metadata<OptionalJsonBody>(context) is not { } body) return true;
        var operation = context.OperationDescription.Operation;
        var schema = context.SchemaGenerator.GenerateWithReferenceAndNullability<JsonSchema>(body.BodyType.ToContextualType(), false, context.SchemaResolver);
        // What the route binds (the order number in the path) is not part of the body.
        foreach (var parameter in operation.Parameters.Where(p => p.Kind == OpenApiParameterKind.Path))
            foreach (var name in schema.ActualSchema.Properties.Keys.Where(k => string.Equals(k, parameter.Name, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                schema.ActualSchema.Properties.Remove(name);
                schema.ActualSchema.RequiredProperties.Remove(name);
            }
        operation.RequestBody = new OpenApiRequestBody { IsRequired = false };
        operation.RequestBody.Content["application/json"] = new OpenApiMediaType { Schema = schema };
        return true;
    }
}
