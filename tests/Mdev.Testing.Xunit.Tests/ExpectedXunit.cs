namespace Mdev.Testing.Adapters.Tests;

/// <summary>Which xunit this project runs on.</summary>
internal static class ExpectedXunit
{
    /// <summary>The assembly that holds <c>[Fact]</c> under xunit v2.</summary>
    public const string CoreAssembly = "xunit.core";
}
