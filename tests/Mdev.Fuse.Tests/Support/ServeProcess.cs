using System.Diagnostics;

namespace Mdev.Fuse.Tests.Support;

/// <summary><c>mdev-sim serve</c> (the sample built next to the tests) running as a child process.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private ServeProcess(Process process, string mountPoint)
    {
        _process = process;
        MountPoint = mountPoint;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public string MountPoint { get; }

    public int Pid => _process.Id;

    public static ServeProcess Start(string mountPoint, params string[] extraArgs)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "mdev-sim.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "serve", "--mount", mountPoint, .. extraArgs])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return new ServeProcess(Process.Start(start)!, mountPoint);
    }

    /// <summary>The next line of standard output (null at end of output).</summary>
    public Task<string?> ReadLineAsync() => _process.StandardOutput.ReadLineAsync().WaitAsync(ChildProcess.Timeout);

    public Task SignalAsync(string signal) => ChildProcess.RunAsync("kill", "-" + signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Waits for the exit; returns the exit code, the rest of standard output and standard error.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> WaitForExitAsync()
    {
        var stdout = await _process.StandardOutput.ReadToEndAsync().WaitAsync(ChildProcess.Timeout);
        await _process.WaitForExitAsync().WaitAsync(ChildProcess.Timeout);
        return (_process.ExitCode, stdout, await _stderr);
    }

    /// <summary>Stops a server still running as a user would (SIGTERM, so it unmounts before it exits).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync("TERM");
            try
            {
                await _process.WaitForExitAsync().WaitAsync(ChildProcess.Timeout);
            }
            catch (TimeoutException)
            {
                _process.Kill();
                throw;
            }
        }

        _process.Dispose();
    }
}
