namespace Mdev.Readme.Tests;

/// <summary>Tests that redirect <see cref="Console.Out"/> run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "console";
}
