using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;

namespace Mall.Infrastructure;

/// <summary>
/// What the shop says is Chinese (zh-CN) by default and English on request (<c>Accept-Language: en</c>). Only the
/// language of messages follows the client: the formatting culture stays invariant, so amounts sent to payment
/// providers, CSV files and logs never change with the caller's language.
/// </summary>
public static class LocalizationExtensions
{
    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    public static void AddMallLocalization(this WebApplicationBuilder builder)
    {
        builder.Services.AddLocalization();
        builder.Services.AddSingleton<ProblemTexts>();
        builder.Services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(CultureInfo.InvariantCulture, Chinese);
            options.SupportedCultures = [CultureInfo.InvariantCulture];
            options.SupportedUICultures = [Chinese, English];
            options.FallBackToParentUICultures = true;
            options.RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()];
            options.ApplyCurrentCultureToResponseHeaders = true;
        });
    }

    /// <summary>Before the problem-details handler: its answers are written in the caller's language too.</summary>
    public static void UseMallLocalization(this WebApplication app)
    {
        var texts = app.Services.GetRequiredService<ProblemTexts>();
        // FluentValidation words its built-in messages in the current UI culture already (it ships zh-CN); the field
        // names inside them come from here, so a Chinese shopper reads 「数量」, not 'quantity'.
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : texts.FieldName(member.Name);
        app.UseRequestLocalization();
    }
}

/// <summary>
/// The words of every problem, by its code, from <c>ProblemTexts.resx</c> (English) and <c>ProblemTexts.zh-CN.resx</c>:
/// <c>{code}</c> is the title, <c>{code}:detail</c> the detail, with <c>{name}</c> placeholders filled from the
/// problem's <c>args</c>; <c>field:{name}</c> is a request field's name in messages.
/// </summary>
public sealed partial class ProblemTexts(IStringLocalizer<ProblemTexts> texts)
{
    public string? Title(string code) => Find(code);

    public string? Detail(string code, IReadOnlyDictionary<string, object?>? args) =>
        Find(code + ":detail") is { } template ? Fill(template, args) : null;

    /// <summary>A field's name in the current language, or null where the request's own name reads well enough (English).</summary>
    public string? FieldName(string member) => Find("field:" + JsonNamingPolicyCamelCase(member));

    public string? Find(string key)
    {
        var text = texts[key];
        return text.ResourceNotFound ? null : text.Value;
    }

    public static string Fill(string template, IReadOnlyDictionary<string, object?>? args) =>
        args is null || args.Count == 0 ? template : Placeholder().Replace(template, m =>
            args.TryGetValue(m.Groups[1].Value, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "" : m.Value);

    private static string JsonNamingPolicyCamelCase(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9]*)\}")]
    private static partial Regex Placeholder();
}
