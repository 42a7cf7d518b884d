namespace Mall.Infrastructure.OpenApi;

public static class ProblemAnswers
{
    public const string ContentType = "application/problem+json";

    /// <summary>
    /// Documents the problem answers of an endpoint's own (400 with field errors, 404, 409, 429, …) with the
    /// shape the API really sends: <see cref="ValidationProblemBody"/> for 400, <see cref="ProblemBody"/> otherwise.
    /// 401 and 403 are added to every protected endpoint by <see cref="AuthorizationAnswers"/>; an anonymous
    /// endpoint that refuses credentials of its own (sign-in, refresh) documents its 401 here.
    /// </summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            if (status == StatusCodes.Status400BadRequest) builder.Produces<ValidationProblemBody>(status, ContentType);
            else builder.Produces<ProblemBody>(status, ContentType);
        }
        return builder;
    }
}
