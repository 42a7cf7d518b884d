using System.Text.Json;

namespace Mall.Infrastructure.OpenApi;

/// <summary>
/// A request DTO property bound from a header (<c>[FromHeader("Idempotency-Key")]</c>) is a header in the OpenAPI
/// document, not also a body property; and the header keeps its exact name (the generator camel-cases it).
/// </summary>
internal sealed class HeaderOnlyProperties : NSwag.Generation.Processors.IOperationProcessor
{
    public bool Process(NSwag.Generation.Processors.Contexts.OperationProcessorContext context)
    {
        if (FastEndpointOperation.RequestType(context) is not { } requestType) return true;
        var operation = context.OperationDescription.Operation;
        var bodies = FastEndpointOperation.Bodies(operation).ToList();
        foreach (var (property, headerName) in FastEndpointOperation.HeaderBound(requestType))
        {
            var jsonName = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            foreach (var body in bodies)
            {
                body.Properties.Remove(jsonName);
                body.RequiredProperties.Remove(jsonName);
            }
            foreach (var parameter in FastEndpointOperation.HeaderParameters(operation, headerName)) parameter.Name = headerName;
        }
        return true;
    }
}
