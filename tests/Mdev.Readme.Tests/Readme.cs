using System.Text.RegularExpressions;

namespace Mdev.Readme.Tests;

/// <summary>README.md's fenced blocks, read from the repository this test was built from.</summary>
internal static partial class Readme
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Text { get; } = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md"));

    /// <summary>Every <c>```csharp</c> block, in order.</summary>
    public static IReadOnlyList<ReadmeBlock> CSharpBlocks { get; } = Parse(Text);

    private static List<ReadmeBlock> Parse(string text)
    {
        var blocks = new List<ReadmeBlock>();
        var fences = Fence().Matches(text);
        for (var i = 0; i < fences.Count; i++)
        {
            var fence = fences[i];
            if (fence.Groups["lang"].Value != "csharp")
            {
                continue;
            }

            var line = text.AsSpan(0, fence.Index).Count('\n') + 1;
            var heading = Heading().Matches(text[..fence.Index]).LastOrDefault()?.Groups["title"].Value ?? "(top)";
            var file = Attribute().Match(fence.Groups["info"].Value) is { Success: true } m ? m.Groups["file"].Value : null;
            string? output = null;
            if (i + 1 < fences.Count && fences[i + 1].Groups["lang"].Value == "text"
                && string.IsNullOrWhiteSpace(text[(fence.Index + fence.Length)..fences[i + 1].Index].Replace("Prints:", string.Empty, StringComparison.Ordinal)))
            {
                output = fences[i + 1].Groups["code"].Value;
            }

            blocks.Add(new ReadmeBlock(line, heading, file, fence.Groups["code"].Value, output));
        }

        return blocks;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mdev.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Mdev.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^```(?<lang>\w*)(?<info>[^\n]*)\n(?<code>.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^#+ (?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"\bfile=(?<file>\S+)")]
    private static partial Regex Attribute();
}
