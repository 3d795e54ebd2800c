using System.Diagnostics;

namespace Mdev.Fuse.Tests.Support;

/// <summary>
/// Runs a program to completion without ever blocking a thread on it: the FUSE server lives in this test process, and
/// the child's file operations are answered by it while the test awaits.
/// </summary>
internal static class ChildProcess
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static async Task<CommandResult> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {Timeout}");
        }

        return new CommandResult($"{program} {string.Join(' ', args)}", process.ExitCode, await stdout, await stderr);
    }
}
