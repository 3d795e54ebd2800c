using System.Diagnostics;

namespace Mdev.Samples.Host.Tests;

/// <summary>Runs the built mdev-sim (<c>dotnet exec mdev-sim.dll ARGS</c>) and collects its exit code and output.</summary>
internal static class MdevSimProcess
{
    public static async Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "mdev-sim.dll");
        File.Exists(dll).Should().BeTrue(dll);
        var start = new ProcessStartInfo("dotnet", ["exec", dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // a hang guard, not a speed check
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // never leave a hung mdev-sim behind
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
