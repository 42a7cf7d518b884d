using System.Text.Json;

namespace Mall.Infrastructure.OpenApi;

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
