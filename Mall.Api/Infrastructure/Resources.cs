using System.Collections.Concurrent;

namespace Mall.Infrastructure;

/// <summary>
/// SQL and Lua files that live beside their slice in Features/ are embedded with their path as the resource
/// name: <c>Resources.Text("Features/Seckill/Attempt/Attempt.lua")</c>.
/// </summary>
public static class Resources
{
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    public static string Text(string path) => Cache.GetOrAdd(path, static p =>
    {
        using var stream = typeof(Resources).Assembly.GetManifestResourceStream(p)
            ?? throw new InvalidOperationException($"No embedded resource '{p}'. Is the file under Features/ with a .sql or .lua extension?");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
