namespace Mdev.Vfio.Remote.Tests.Support;

/// <summary>The "key value" lines the C test client prints, by key.</summary>
internal static class ClientOutput
{
    public static Dictionary<string, string> Parse(string stdout) => stdout
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split(' ', 2))
        .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty);
}
