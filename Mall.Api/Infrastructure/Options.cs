using Microsoft.Extensions.Options;

namespace Mall.Infrastructure;

public static class OptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to a configuration section, validates it when the host starts (a bad value stops
    /// the start with the setting's name, not the first request that reads it) and lets classes inject the bound
    /// <typeparamref name="T"/> itself: the options of this shop are read on hot paths and never reload.
    /// </summary>
    public static OptionsBuilder<T> AddMallOptions<T>(this IServiceCollection services, string section) where T : class
    {
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// The section as registration sees it, for the few decisions made while the container is being built (which
    /// hosted services or payment providers exist). The same values are bound and validated by
    /// <see cref="AddMallOptions{T}"/> at start.
    /// </summary>
    public static T ReadOptions<T>(this IConfiguration configuration, string section) where T : new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        return options;
    }
}
