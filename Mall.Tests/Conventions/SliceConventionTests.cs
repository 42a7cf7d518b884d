using System.Text.RegularExpressions;

namespace Mall.Tests.Conventions;

/// <summary>
/// The house rules of docs/architecture.md, checked on the source tree: one line per feature in Program.cs, one
/// registration file per feature, one shape per slice. A slice added in another shape fails here, by name.
/// </summary>
public sealed partial class SliceConventionTests
{
    public static TheoryData<string> Features() => [.. SourceTree.Features()];

    public static TheoryData<string> Slices() => [.. SourceTree.Slices().Select(s => s.Folder)];

    [Theory]
    [MemberData(nameof(Features))]
    public void Each_feature_is_one_line_in_Program_and_one_registration_file(string feature)
    {
        var program = File.ReadAllText(SourceTree.PathOf("Mall.Api/Program.cs"));
        Assert.Single(Regex.Matches(program, $@"^builder\.Add{feature}Feature\(\);$", RegexOptions.Multiline));

        var registration = SourceTree.PathOf($"Features/{feature}/{feature}Feature.cs");
        Assert.True(File.Exists(registration), $"{registration} is missing");
        Assert.Equal([$"{feature}Feature"], SourceTree.TopLevelTypes(File.ReadAllText(registration)));
        Assert.Contains($"public static void Add{feature}Feature(this WebApplicationBuilder builder)", File.ReadAllText(registration));
    }

    [Theory]
    [MemberData(nameof(Slices))]
    public void Each_slice_has_the_one_shape(string folder)
    {
        var endpoint = File.ReadAllText(SourceTree.PathOf($"{folder}/Endpoint.cs"));
        Assert.Equal(["Endpoint"], SourceTree.TopLevelTypes(endpoint));
        Assert.Contains($"namespace {folder.Replace('/', '.').Replace("Features.", "Mall.Features.")};", endpoint);

        var models = SourceTree.PathOf($"{folder}/Models.cs");
        if (File.Exists(models))
            Assert.DoesNotContain("Endpoint", SourceTree.TopLevelTypes(File.ReadAllText(models)));

        var name = folder[(folder.LastIndexOf('/') + 1)..];
        Assert.True(VerbFirst().IsMatch(name), $"{name}: a slice folder is named for its operation, verb first (GetOrder, CreatePayment)");
    }

    [Theory]
    [MemberData(nameof(Slices))]
    public void Admin_slices_and_only_they_go_through_the_admin_group(string folder)
    {
        var endpoint = File.ReadAllText(SourceTree.PathOf($"{folder}/Endpoint.cs"));
        Assert.DoesNotContain("Roles(", endpoint.Replace("IsInRole(", ""));
        var slice = SourceTree.Slices().Single(s => s.Folder == folder);
        Assert.Equal(folder.Contains("/Admin/"), endpoint.Contains("Group<AdminGroup>();"));
        Assert.False(slice.Route.StartsWith("admin/"), "the admin group adds the prefix; the route leaves it out");
    }

    [GeneratedRegex("^(Get|List|Create|Update|Delete|Set|Remove|Cancel|Confirm|Ship|Publish|Reconcile|Issue|Notify|Disable|Enable|Approve|Reject|Close|Export|Upload|Move|Preview|Request|Add|Change|Sort)[A-Z]|^(Login|Logout|Refresh|Register|Attempt|Checkout)$")]
    private static partial Regex VerbFirst();
}

/// <summary>The repository's source, read by the convention tests.</summary>
public static partial class SourceTree
{
    public sealed record Slice(string Folder, string Verb, string Route, bool Admin, bool Anonymous);

    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static IEnumerable<string> Features() =>
        Directory.GetDirectories(PathOf("Features")).Select(Path.GetFileName).OfType<string>().Order();

    public static IReadOnlyList<Slice> Slices() => SlicesOnce.Value;

    private static readonly Lazy<IReadOnlyList<Slice>> SlicesOnce = new(() =>
        Directory.GetFiles(PathOf("Features"), "Endpoint.cs", SearchOption.AllDirectories)
            .Select(path =>
            {
                var folder = Path.GetRelativePath(Root, Path.GetDirectoryName(path)!).Replace('\\', '/');
                var source = File.ReadAllText(path);
                var route = RouteCall().Match(source);
                Assert.True(route.Success, $"{folder}: no route in Configure()");
                return new Slice(folder, route.Groups[1].Value.ToUpperInvariant(), route.Groups[2].Value,
                    source.Contains("Group<AdminGroup>();"), source.Contains("AllowAnonymous();"));
            })
            .OrderBy(s => s.Folder, StringComparer.Ordinal)
            .ToList());

    /// <summary>The names of the types a C# file declares at its top level (column 0, file-scoped namespace).</summary>
    public static IReadOnlyList<string> TopLevelTypes(string source) =>
        TopLevelType().Matches(source).Select(m => m.Groups[1].Value).ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mall.sln"))) return dir.FullName;
        throw new InvalidOperationException("Mall.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^(?:public|internal|file)\s+(?:(?:sealed|static|abstract|partial|readonly)\s+)*(?:class|record|struct|interface|enum)\s+(?:struct\s+|class\s+)?(\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"^\s+(Get|Post|Put|Delete|Patch)\(""([^""]+)""\);", RegexOptions.Multiline)]
    private static partial Regex RouteCall();
}
