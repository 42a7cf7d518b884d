using FastEndpoints.Swagger;
using Scalar.AspNetCore;

namespace Mall.Infrastructure.OpenApi;

/// <summary>The served OpenAPI document (/openapi/v1.json) — the API's contract — and the Scalar explorer over it.</summary>
public static class OpenApiDocumentExtensions
{
    public static void AddMallOpenApi(this WebApplicationBuilder builder) =>
        builder.Services.SwaggerDocument(options =>
        {
            // The document describes JSON exactly as the API writes it: camelCase, enums as their names.
            options.SerializerSettings = EndpointExtensions.ConfigureJson;
            options.DocumentSettings = settings =>
            {
                settings.DocumentName = "v1";
                settings.Title = "Mall API";
                settings.Version = "v1";
                settings.Description = "Flash-sale-ready shop. Money is integer cents; times are ISO-8601 UTC. " +
                                       "Every error is RFC 9457 application/problem+json.";
                settings.SchemaSettings.SchemaNameGenerator = new SliceSchemaNames();
                settings.SchemaSettings.SchemaProcessors.Add(new StringValuesSchemaProcessor());
                settings.OperationProcessors.Add(new OptionalJsonBodies());
                settings.OperationProcessors.Add(new HeaderOnlyProperties());
                settings.OperationProcessors.Add(new RequirednessFromValidators());
                settings.OperationProcessors.Add(new AuthorizationAnswers());
            };
        });

    /// <summary>
    /// Served in Development; elsewhere only with <c>OpenApi:Enabled=true</c>: a production shop need not hand out a map
    /// of itself.
    /// </summary>
    public static bool IsOpenApiServed(this WebApplication app) =>
        app.Configuration.GetValue("OpenApi:Enabled", app.Environment.IsDevelopment());

    public static void UseMallOpenApi(this WebApplication app)
    {
        if (app.IsOpenApiServed()) app.UseOpenApi(settings => settings.Path = "/openapi/{documentName}.json");
    }

    public static void MapMallApiReference(this WebApplication app)
    {
        if (!app.IsOpenApiServed()) return;
        app.MapScalarApiReference("/scalar", options => options
            .WithTitle("Mall API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp());
    }
}
