using Microsoft.Extensions.DependencyInjection;

namespace Mall.Tests.Infrastructure;

/// <summary>
/// One reusable piece of a test host's setup: configuration values, service replacements, a fake clock, or a hook
/// for something the piece owns. A fixture is <see cref="MallApp"/> plus a list of pieces, applied in order (a
/// later piece's setting wins over an earlier one's), e.g.
/// <c>public sealed class ManualExpiryApp() : MallApp(TestHost.FakeClock, TestHost.ManualOrderExpiry);</c>.
/// The pieces shared by several suites are in <see cref="TestHost"/>; a piece only one suite needs sits beside it.
/// </summary>
public sealed record TestHostOption
{
    private static readonly IReadOnlyDictionary<string, string?> None = new Dictionary<string, string?>();

    /// <summary>Configuration keys and values, the same for every instance.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = None;

    /// <summary>Configuration that depends on the instance (its connection strings, data folder, key prefix).</summary>
    public Func<MallApp, IReadOnlyDictionary<string, string?>>? InstanceSettings { get; init; }

    /// <summary>Service registrations added after the app's own (ConfigureTestServices), so they replace them.</summary>
    public Action<MallApp, IServiceCollection>? Services { get; init; }

    /// <summary>The instance's clock only moves when the test says so (<see cref="MallApp.FakeClock"/>).</summary>
    public bool UsesFakeClock { get; init; }

    /// <summary>Runs when the instance is disposed, after its host: releases what the piece owns (a proxy).</summary>
    public Action? Disposed { get; init; }

    /// <summary>A piece that only sets configuration.</summary>
    public static TestHostOption Set(params (string Key, string? Value)[] settings) =>
        new() { Settings = settings.ToDictionary(s => s.Key, s => s.Value) };
}
