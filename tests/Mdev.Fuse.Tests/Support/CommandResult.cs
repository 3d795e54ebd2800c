namespace Mdev.Fuse.Tests.Support;

/// <summary>What one command printed and returned.</summary>
internal sealed record CommandResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"$ {Command}\n[rc {ExitCode}]\n{Stdout}{Stderr}";
}
