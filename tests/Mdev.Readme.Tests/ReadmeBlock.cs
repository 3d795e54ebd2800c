namespace Mdev.Readme.Tests;

/// <summary>One fenced C# block of README.md.</summary>
/// <param name="Line">The 1-based line of its opening fence.</param>
/// <param name="Heading">The section it is in.</param>
/// <param name="File">The repository file it must equal (<c>```csharp file=PATH</c>), or null.</param>
/// <param name="Code">The code as printed.</param>
/// <param name="Output">The <c>```text</c> block right after it, which is what the program prints; or null.</param>
public sealed record ReadmeBlock(int Line, string Heading, string? File, string Code, string? Output)
{
    /// <summary>For test names: where the block is.</summary>
    public override string ToString() => $"README.md:{Line} ({Heading})";
}
