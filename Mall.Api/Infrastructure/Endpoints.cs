using System.Text.Json;
using System.Text.Json.Serialization;
using FastEndpoints;
using Mall.Infrastructure.OpenApi;

namespace Mall.Infrastructure;

/// <summary>FastEndpoints: discovery, the /api/v1 prefix, JSON conventions and how validation failures answer.</summary>
public static class EndpointExtensions
{
    public static void AddMallEndpoints(this WebApplicationBuilder builder)
    {
        builder.Services.AddFastEndpoints();
        builder.AddMallOpenApi();
    }

    public static void UseMallEndpoints(this WebApplication app)
    {
        app.UseFastEndpoints(config =>
        {
            config.Endpoints.RoutePrefix = "api/v1";
            ConfigureJson(config.Serializer.Options);
            config.Errors.ContentType = "application/problem+json";
            config.Errors.ResponseBuilder = ValidationProblems.Build;
            config.Serializer.ResponseSerializer = JsonResponses.WithContentLength(config.Serializer.Options);
        });
        app.UseMallOpenApi();
    }

    /// <summary>camelCase, enums as their names, nulls left out: what every answer and the OpenAPI document use.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter());
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
    }

    /// <summary>
    /// The serializer options FastEndpoints writes response DTOs with (<see cref="ConfigureJson"/>). A slice that
    /// writes JSON bytes itself — the catalog serves its cached responses as stored bytes — serialises with these, so
    /// its bytes are the ones <c>Send.OkAsync</c> would have written. Read it after the app has started (FastEndpoints
    /// keeps its configuration process-wide).
    /// </summary>
    public static JsonSerializerOptions ResponseJsonOptions => new Config().Serializer.Options;
}
