namespace Mdev.Samples.Host.Tests;

/// <summary>mdev-sim's command line as a user meets it: help and version succeed, usage errors exit 2 on stderr.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("serve", "--bogus")]
    [InlineData("serve", "--mount")]
    [InlineData("run", "--udev", "ls")]
    public async Task UsageError_PrintsWhatIsWrongAndTheUsageOnStderr_Exit2(params string[] args)
    {
        var (exit, output, errors) = await RunAsync(args);

        exit.Should().Be(2);
        output.Should().BeEmpty();
        errors.Should().StartWith($"mdev-sim {args[0]}: ").And.Contain($"\nusage: mdev-sim {args[0]} ");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("serve", "--help")]
    [InlineData("run", "--help")]
    public async Task Help_PrintsUsageOnStdout_Exit0(params string[] args)
    {
        var (exit, output, errors) = await RunAsync(args);

        exit.Should().Be(0);
        errors.Should().BeEmpty();
        output.Should().Contain("Usage:").And.Contain(args.Length > 1 ? $"mdev-sim {args[0]} " : "mdev-sim [command] [options]");
    }

    [Fact]
    public async Task Version_PrintsTheVersion_Exit0()
    {
        var (exit, output, errors) = await RunAsync("--version");

        exit.Should().Be(0);
        errors.Should().BeEmpty();
        output.Should().StartWith("0.1.0");
    }

    [Theory]
    [InlineData("--mount=/nonexistent-mdev-sim-dir")]
    [InlineData("--mount", "/nonexistent-mdev-sim-dir")]
    public async Task Serve_MountEitherSpelling_ReachesTheMount(params string[] mount)
    {
        var (exit, _, errors) = await RunAsync(["serve", .. mount]);

        exit.Should().Be(1, "the arguments parsed; the mount itself fails");
        errors.Should().Be("mdev-sim serve: mount /nonexistent-mdev-sim-dir: no such directory (ENOENT)\n");
    }

    private static Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args) => MdevSimProcess.RunAsync(args);
}
