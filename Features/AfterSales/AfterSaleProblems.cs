using Mall.Infrastructure;

namespace Mall.Features.AfterSales;

/// <summary>The after-sale answers that name a code (worded in ProblemTexts*.resx).</summary>
public static class AfterSaleProblems
{
    public static IResult NotFound() => Problem.NotFound("The after-sale", code: "aftersale.not_found");

    /// <summary>A 400 shaped like a validation failure (field → message) that also names its code and values.</summary>
    public static IResult Invalid(string field, string message, string code, IReadOnlyDictionary<string, object?>? args = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (args is not null) extensions["args"] = args;
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] },
            title: "One or more validation errors occurred.", extensions: extensions);
    }

    public static IResult NotAwaitingReview(string status) =>
        Problem.Of(StatusCodes.Status409Conflict, "Conflict", $"The after-sale is {status}; only one awaiting review can be decided or cancelled.",
            code: "aftersale.not_awaiting_review", args: new Dictionary<string, object?> { ["status"] = status });
}
