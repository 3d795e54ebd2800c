using System.Text.RegularExpressions;

namespace Mdev.Readme.Tests;

/// <summary>Every C# block of README.md compiles and runs as printed; every link stays inside the repository.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ReadmeBlockTests
{
    public static TheoryData<ReadmeBlock> Programs() => [.. Readme.CSharpBlocks.Where(SnippetProgram.IsProgram)];

    private static IEnumerable<ReadmeBlock> Declarations => Readme.CSharpBlocks.Where(b => !SnippetProgram.IsProgram(b));

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task Program_CompilesWithoutWarnings_AndRunsAsPrinted(ReadmeBlock block)
    {
        var (assembly, diagnostics) = SnippetProgram.Compile(block, Declarations);
        diagnostics.Should().BeEmpty($"{block} must compile as printed");

        var output = await SnippetProgram.RunAsync(assembly!, TimeSpan.FromMinutes(2));

        if (block.Output is not null)
        {
            output.Should().Be(block.Output, $"{block} prints the text block that follows it");
        }
    }

    [Fact]
    public void Readme_HasProgramsInEachSection_AndOneMinimalDriver()
    {
        Readme.CSharpBlocks.Where(SnippetProgram.IsProgram).Select(b => b.Heading).Should().Contain(
            ["Mdev.Core in five minutes", "Mdev.Vfio in five minutes", "Mdev.Testing: test a vendor driver in a page"]);
        Declarations.Select(b => b.File).Should().Contain("docs/snippets/MyDriver.cs");
    }

    [Fact]
    public void DeclarationBlock_IsItsFileCharacterForCharacter()
    {
        foreach (var block in Readme.CSharpBlocks.Where(b => b.File is not null))
        {
            block.Code.Should().Be(File.ReadAllText(Path.Combine(Readme.RepositoryRoot, block.File!)), $"{block} must be {block.File}");
        }
    }

    [Fact]
    public void EveryDeclarationBlock_NamesTheFileItIs()
    {
        // A block of types only runs nowhere by itself: it must be a file this project compiles (and tests).
        Declarations.Where(b => b.File is null).Should().BeEmpty();
    }

    [Fact]
    public void RelativeLinks_PointInsideTheRepository_AtFilesThatExist()
    {
        var links = RelativeLink().Matches(Readme.Text).Select(m => m.Groups["target"].Value).ToList();

        links.Should().NotBeEmpty();
        foreach (var target in links)
        {
            var full = Path.GetFullPath(Path.Combine(Readme.RepositoryRoot, target.Split('#')[0]));
            full.Should().StartWith(Readme.RepositoryRoot + Path.DirectorySeparatorChar, $"the link ({target}) must stay in the repository");
            (File.Exists(full) || Directory.Exists(full)).Should().BeTrue($"the link ({target}) must exist");
        }

        Readme.Text.Should().NotContain("../shared/", "the project's shared docs are not part of a clone");
    }

    [GeneratedRegex(@"\]\((?<target>(?!https?:|#)[^)\s]+)\)")]
    private static partial Regex RelativeLink();
}
