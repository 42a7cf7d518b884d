using Namotion.Reflection;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Mall.Infrastructure.OpenApi;

/// <summary>
/// The answers every protected endpoint can give, declared once and worded once: 401 on each endpoint that is not
/// anonymous, 403 on each that also needs a role or policy (the admin group). Endpoints document only the answers
/// of their own.
/// </summary>
internal sealed class AuthorizationAnswers : IOperationProcessor
{
    public const string NotSignedIn = "Not signed in, or the access token is expired or revoked.";
    public const string Forbidden = "Signed in, but without the role this endpoint needs.";

    public bool Process(OperationProcessorContext context)
    {
        if (FastEndpointOperation.Definition(context) is not { } definition) return true;
        var method = context.OperationDescription.Method.ToUpperInvariant();
        if (definition.AnonymousVerbs?.Contains(method, StringComparer.OrdinalIgnoreCase) is true) return true;

        var operation = context.OperationDescription.Operation;
        Add(context, operation, StatusCodes.Status401Unauthorized, NotSignedIn);
        if (definition.AllowedRoles is { Count: > 0 } || definition.PreBuiltUserPolicies is { Count: > 0 })
            Add(context, operation, StatusCodes.Status403Forbidden, Forbidden);
        return true;
    }

    private static void Add(OperationProcessorContext context, OpenApiOperation operation, int status, string description)
    {
        var schema = context.SchemaGenerator.GenerateWithReferenceAndNullability<JsonSchema>(
            typeof(ProblemBody).ToContextualType(), false, context.SchemaResolver);
        // An endpoint's own reason for the same status (a seckill attempt token that is not valid) follows the common one.
        var own = operation.Responses.TryGetValue(status.ToString(), out var existing) ? existing.Description : null;
        operation.Responses[status.ToString()] = new OpenApiResponse
        {
            Description = string.IsNullOrWhiteSpace(own) || own == description ? description : $"{description} Also: {own}",
            Content = { [ProblemAnswers.ContentType] = new OpenApiMediaType { Schema = schema } },
        };
    }
}
