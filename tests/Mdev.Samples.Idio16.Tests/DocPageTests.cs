using System.Text.RegularExpressions;

namespace Mdev.Samples.Idio16.Tests;

/// <summary>docs/writing-a-vendor-driver.md shows exactly the code this project builds and runs.</summary>
public sealed partial class DocPageTests
{
    [Fact]
    public void EveryFileBlockOfThePage_IsTheFileCharacterForCharacter()
    {
        var root = RepositoryRoot();
        var page = File.ReadAllText(Path.Combine(root, "docs", "writing-a-vendor-driver.md"));
        var blocks = FileBlock().Matches(page);

        blocks.Select(b => b.Groups["file"].Value).Should().Contain(
        [
            "samples/Mdev.Samples.Idio16/Idio16Device.cs",
            "samples/Mdev.Samples.Idio16/Idio16.cs",
            "tests/Mdev.Samples.Idio16.Tests/Idio16QuickStartTests.cs",
        ]);
        foreach (Match block in blocks)
        {
            var file = block.Groups["file"].Value;
            block.Groups["code"].Value.Should().Be(File.ReadAllText(Path.Combine(root, file)), $"the page's block for {file} must be that file");
        }
    }

    [Fact]
    public void TheReadme_LinksThePage()
    {
        File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).Should().Contain("(docs/writing-a-vendor-driver.md)");
    }

    private static string RepositoryRoot()
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

    [GeneratedRegex(@"^```\w+ file=(?<file>\S+)\n(?<code>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FileBlock();
}
