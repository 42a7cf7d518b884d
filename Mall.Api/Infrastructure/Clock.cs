namespace Mall.Infrastructure;

public static class ClockExtensions
{
    /// <summary>
    /// The clock is .NET's <see cref="TimeProvider"/>: slices take it by injection, tests replace it with a
    /// controllable one. Nothing in a slice reads DateTime.UtcNow directly.
    /// </summary>
    public static void AddMallClock(this WebApplicationBuilder builder) =>
        builder.Services.AddSingleton(TimeProvider.System);
}
