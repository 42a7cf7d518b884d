using FastEndpoints;

namespace Mall.Infrastructure.OpenApi;

/// <summary>What the OpenAPI processors read of a FastEndpoints operation: its request DTO, header-bound
/// properties, body schemas and header parameters.</summary>
internal static class FastEndpointOperation
{
    public static Type? RequestType(NSwag.Generation.Processors.Contexts.OperationProcessorContext context) =>
        Definition(context)?.ReqDtoType;

    public static EndpointDefinition? Definition(NSwag.Generation.Processors.Contexts.OperationProcessorContext context) =>
        Metadata<EndpointDefinition>(context);

    /// <summary>The endpoint's metadata of that type (what Configure attached), if any.</summary>
    public static T? Metadata<T>(NSwag.Generation.Processors.Contexts.OperationProcessorContext context) where T : class =>
        (context as NSwag.Generation.AspNetCore.AspNetCoreOperationProcessorContext)?.ApiDescription.ActionDescriptor
            .EndpointMetadata.OfType<T>().FirstOrDefault();

    /// <summary>Properties bound from a header, with the header's name (the attribute's, or the property's).</summary>
    public static IEnumerable<(System.Reflection.PropertyInfo Property, string HeaderName)> HeaderBound(Type requestType) =>
        from property in requestType.GetProperties()
        let header = property.GetCustomAttributes(typeof(FromHeaderAttribute), true).OfType<FromHeaderAttribute>().FirstOrDefault()
        where header is not null
        select (property, header.HeaderName ?? property.Name);

    public static IEnumerable<NJsonSchema.JsonSchema> Bodies(NSwag.OpenApiOperation operation) =>
        operation.RequestBody?.Content.Values.Select(c => c.Schema?.ActualSchema).OfType<NJsonSchema.JsonSchema>() ?? [];

    /// <summary>The operation's header parameters of that name (the generator may have changed its case).</summary>
    public static IEnumerable<NSwag.OpenApiParameter> HeaderParameters(NSwag.OpenApiOperation operation, string headerName) =>
        operation.Parameters.Where(p => p.Kind == NSwag.OpenApiParameterKind.Header &&
                                        string.Equals(p.Name, headerName, StringComparison.OrdinalIgnoreCase));
}
