using System.Text.Json;
using FluentValidation.Results;

namespace Mall.Infrastructure;

/// <summary>Validation failures as RFC 9457 with <c>errors</c>: camelCase field name → messages.</summary>
public static class ValidationProblems
{
    public const string Title = "One or more validation errors occurred.";

    public static object Build(List<ValidationFailure> failures, HttpContext http, int statusCode)
    {
        var texts = http.RequestServices.GetService<ProblemTexts>();
        var errors = failures
            .GroupBy(f => CamelCase(f.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(f => Message(f, texts)).Distinct().ToArray());
        return new ValidationProblemBody(
            Type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            Title: http.RequestServices.GetService<ProblemTexts>()?.Title(Problem.CodeOfStatus(statusCode)) ?? Title,
            Status: statusCode,
            Detail: string.Join(" ", errors.SelectMany(e => e.Value).Take(3)),
            Instance: http.Request.Path,
            TraceId: ProblemDetailsExtensions.TraceId(http),
            Code: Problem.CodeOfStatus(statusCode),
            Errors: errors);
    }

    /// <summary>
    /// A rule with its own code (<c>.WithErrorCode("address.phone_invalid")</c>: dotted, unlike FluentValidation's own
    /// validator names) is worded by that code's detail in the caller's language, its placeholders filled from the
    /// rule's (<c>{PropertyName}</c> is the field's localized name); the framework's rules come already translated.
    /// </summary>
    private static string Message(ValidationFailure failure, ProblemTexts? texts) =>
        texts is not null && failure.ErrorCode?.Contains('.') == true
            && System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName != "en" // the rule's own words are English
            && texts.Detail(failure.ErrorCode, failure.FormattedMessagePlaceholderValues?.ToDictionary(p => p.Key, p => (object?)p.Value)) is { } localized
            ? localized
            : failure.ErrorMessage;

    private static string CamelCase(string name) =>
        string.IsNullOrEmpty(name) ? "body" : string.Join('.', name.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
}

/// <summary>Every error answer: RFC 9457 problem details with the request's trace id and a stable <c>code</c> to switch on.</summary>
public record ProblemBody(string Type, string Title, int Status, string? Detail, string? Instance, string TraceId, string Code);

/// <summary>A 400: the problem plus <c>errors</c>, each invalid field (camelCase, dotted for nested ones) → its messages.</summary>
public sealed record ValidationProblemBody(
    string Type, string Title, int Status, string? Detail, string? Instance, string TraceId, string Code,
    Dictionary<string, string[]> Errors) : ProblemBody(Type, Title, Status, Detail, Instance, TraceId, Code);
