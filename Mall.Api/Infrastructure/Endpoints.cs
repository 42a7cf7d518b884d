using System.Text.Json;
using System.Text.Json.Serialization;
using FastEndpoints;
using FastEndpoints.Swagger;
using FluentValidation.Results;
using Scalar.AspNetCore;

namespace Mall.Infrastructure;

public static class EndpointExtensions
{
    public static void AddMallEndpoints(this WebApplicationBuilder builder)
    {
        builder.Services.AddFastEndpoints();
        builder.Services.SwaggerDocument(options =>
        {
            // Full type names (namespace included): every slice has its own Request/Response, and short names
            // would collide into Request2, Response17, …
            options.ShortSchemaNames = false;
            options.EnableJWTBearerAuth = true;
            options.DocumentSettings = settings =>
            {
                settings.DocumentName = "v1";
                settings.Title = "Mall API";
                settings.Version = "v1";
                settings.Description = "Flash-sale-ready shop. Money is integer cents; times are ISO-8601 UTC. " +
                                       "Every error is RFC 9457 application/problem+json.";
                settings.OperationProcessors.Add(new HeaderOnlyProperties());
                settings.OperationProcessors.Add(new RequirednessFromValidators());
            };
        });
    }

    public static void UseMallEndpoints(this WebApplication app)
    {
        app.UseFastEndpoints(config =>
        {
            config.Endpoints.RoutePrefix = "api/v1";
            config.Serializer.Options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            config.Serializer.Options.Converters.Add(new JsonStringEnumConverter());
            config.Serializer.Options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            config.Errors.ContentType = "application/problem+json";
            config.Errors.ResponseBuilder = ValidationProblem;
            config.Serializer.ResponseSerializer = ContentLengthWriter(config.Serializer.Options);
        });
        app.UseOpenApi(settings => settings.Path = "/openapi/{documentName}.json");
    }

    /// <summary>
    /// Response DTOs are serialised to bytes first and sent with a Content-Length. FastEndpoints' default streams
    /// them with chunked encoding, which ends every response with a second write (the terminating chunk): two
    /// sends per answer on the server, two reads for the client. Our answers are small JSON documents (a page of a
    /// listing at most), so buffering them costs less than the extra round through the kernel.
    /// </summary>
    private static Func<HttpResponse, object?, string, JsonSerializerContext?, CancellationToken, Task> ContentLengthWriter(
        JsonSerializerOptions options) => (response, dto, contentType, context, ct) =>
    {
        var type = dto?.GetType() ?? typeof(object);
        var body = context is null ? JsonSerializer.SerializeToUtf8Bytes(dto, type, options) : JsonSerializer.SerializeToUtf8Bytes(dto, type, context);
        // As FastEndpoints' own writer does: the charset goes on the content type.
        response.ContentType = contentType.Contains("charset=", StringComparison.OrdinalIgnoreCase) ? contentType : contentType + "; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, ct).AsTask();
    };

    /// <summary>
    /// The serializer options FastEndpoints writes response DTOs with (configured in <see cref="UseMallEndpoints"/>:
    /// camelCase, enums as strings, nulls left out). A slice that writes JSON bytes itself — the catalog serves its
    /// cached responses as stored bytes — serialises with these, so its bytes are the ones <c>Send.OkAsync</c> would
    /// have written. Read it after the app has started (FastEndpoints keeps its configuration process-wide).
    /// </summary>
    public static JsonSerializerOptions ResponseJsonOptions => new Config().Serializer.Options;

    public static void MapMallApiReference(this WebApplication app) =>
        app.MapScalarApiReference("/scalar", options => options
            .WithTitle("Mall API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp());

    /// <summary>Validation failures as RFC 9457 with <c>errors</c>: camelCase field name → messages.</summary>
    private static object ValidationProblem(List<ValidationFailure> failures, HttpContext http, int statusCode)
    {
        var errors = failures
            .GroupBy(f => CamelCase(f.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).Distinct().ToArray());
        return new ValidationProblemBody(
            Type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            Title: "One or more validation errors occurred.",
            Status: statusCode,
            Detail: string.Join(" ", errors.SelectMany(e => e.Value).Take(3)),
            Instance: http.Request.Path,
            TraceId: ProblemDetailsExtensions.TraceId(http),
            Errors: errors);
    }

    private static string CamelCase(string name) =>
        string.IsNullOrEmpty(name) ? "body" : string.Join('.', name.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
}

public sealed record ValidationProblemBody(
    string Type, string Title, int Status, string Detail, string Instance, string TraceId,
    Dictionary<string, string[]> Errors);

/// <summary>What both OpenAPI processors below read of a FastEndpoints operation: its request DTO, header-bound
/// properties, body schemas and header parameters.</summary>
internal static class FastEndpointOperation
{
    public static Type? RequestType(NSwag.Generation.Processors.Contexts.OperationProcessorContext context) =>
        Definition(context)?.ReqDtoType;

    public static EndpointDefinition? Definition(NSwag.Generation.Processors.Contexts.OperationProcessorContext context) =>
        (context as NSwag.Generation.AspNetCore.AspNetCoreOperationProcessorContext)?.ApiDescription.ActionDescriptor
            .EndpointMetadata.OfType<EndpointDefinition>().FirstOrDefault();

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

/// <summary>
/// "Required" in the OpenAPI document says what the validator says. The generator marks a body property required for
/// any NotEmpty/NotNull rule, even one under <c>When(…)</c> (checkout's <c>items</c> is required only without
/// <c>fromCart</c>), and leaves a header optional when the validator, not the binder, requires it (checkout's
/// <c>Idempotency-Key</c>, bound leniently so the validator can explain what is missing).
/// </summary>
internal sealed class RequirednessFromValidators : NSwag.Generation.Processors.IOperationProcessor
{
    public bool Process(NSwag.Generation.Processors.Contexts.OperationProcessorContext context)
    {
        var definition = FastEndpointOperation.Definition(context);
        if (definition?.ReqDtoType is not { } requestType || definition.ValidatorType is not { } validatorType) return true;
        if (validatorType.GetConstructor(Type.EmptyTypes) is null || Activator.CreateInstance(validatorType) is not FluentValidation.IValidator validator)
            return true;
        var descriptor = validator.CreateDescriptor();

        var operation = context.OperationDescription.Operation;
        foreach (var body in FastEndpointOperation.Bodies(operation))
        foreach (var name in body.RequiredProperties.ToList())
            if (PresenceOf(descriptor, name) == Presence.Conditional) body.RequiredProperties.Remove(name);

        foreach (var (property, headerName) in FastEndpointOperation.HeaderBound(requestType))
            if (PresenceOf(descriptor, JsonNamingPolicy.CamelCase.ConvertName(property.Name)) == Presence.Always)
                foreach (var parameter in FastEndpointOperation.HeaderParameters(operation, headerName)) parameter.IsRequired = true;
        return true;
    }

    private enum Presence { NotRequired, Conditional, Always }

    private static bool IsPerElement(FluentValidation.IValidationRule rule) => rule.GetType().GetInterfaces()
        .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(FluentValidation.ICollectionRule<,>));

    /// <summary>How the validator requires a member, by the name it reports (camelCase, as the JSON names it).</summary>
    private static Presence PresenceOf(FluentValidation.IValidatorDescriptor descriptor, string member)
    {
        var presence = descriptor.GetRulesForMember(member)
            .Where(rule => !IsPerElement(rule)) // RuleForEach(…).NotNull() is about the elements, not the list
            .SelectMany(rule => rule.Components)
            .Where(c => c.Validator is FluentValidation.Validators.INotEmptyValidator or FluentValidation.Validators.INotNullValidator)
            .Select(c => c.HasCondition || c.HasAsyncCondition ? Presence.Conditional : Presence.Always)
            .DefaultIfEmpty(Presence.NotRequired);
        return presence.Max();
    }
}
