using System.Diagnostics;
using System.Text;
using Mdev.Fuse.Tests.Support;

namespace Mdev.Fuse.Tests.Libvirt;

/// <summary>
/// One <c>mdev-sim run</c> (the five default parents) with Debian's libvirtd started in it by
/// <c>Libvirt/libvirt-session.sh</c>, kept for a whole test class: commands (bash scripts) run one at a time in the
/// command's namespace, where <c>/sys</c> is the simulated host and <c>virsh</c> talks to that libvirtd
/// (<c>LIBVIRT_DEFAULT_URI</c>), so what libvirt says and what sysfs holds are read side by side.
/// </summary>
/// <remarks>
/// The protocol: a bash loop reads the path of a script on stdin, runs it with its stdout and stderr in files next to
/// it, then prints <c>mdev-libvirt-done STATUS</c>. <see cref="_gate"/> lets one command at a time through.
/// </remarks>
public sealed class LibvirtSession : IAsyncLifetime
{
    private const string Done = "mdev-libvirt-done ";
    private const string ServeLoop = $"while IFS= read -r s; do bash \"$s\" > \"$s.out\" 2> \"$s.err\"; echo \"{Done}$?\"; done\n";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mdev-libvirt-");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly StringBuilder _stderr = new(); // guarded by itself (lock)
    private Process? _process;

    /// <summary>Where libvirtd's log is copied when the daemon stops (kept for failures).</summary>
    public string DaemonLog => Path.Combine(_dir.FullName, "libvirtd.log");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var serve = Path.Combine(_dir.FullName, "serve.sh");
        await File.WriteAllTextAsync(serve, ServeLoop);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "mdev-sim.dll"), "run", "--", "bash", Path.Combine(AppContext.BaseDirectory, "Libvirt", "libvirt-session.sh"), "bash", serve })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LIBVIRTD_LOG"] = DaemonLog;
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();

        // The loop starts only once libvirtd answers: the first command is the readiness check.
        var first = await RunAsync("virsh uri");
        if (first.ExitCode != 0)
        {
            throw new InvalidOperationException($"libvirtd did not come up: {first}\n{Errors}");
        }
    }

    /// <summary>What mdev-sim, the session script and libvirtd wrote on stderr so far.</summary>
    public string Errors
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Runs <paramref name="script"/> with bash in the session and returns what it printed and its status.</summary>
    internal async Task<CommandResult> RunAsync(string script)
    {
        var process = _process ?? throw new InvalidOperationException("not started");
        await _gate.WaitAsync();
        try
        {
            var file = Path.Combine(_dir.FullName, $"cmd-{Guid.NewGuid():N}.sh");
            await File.WriteAllTextAsync(file, script + "\n");
            await process.StandardInput.WriteLineAsync(file);
            await process.StandardInput.FlushAsync();
            using var cts = new CancellationTokenSource(ChildProcess.Timeout); // a hang guard, not a speed check
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(cts.Token)
                    ?? throw new InvalidOperationException($"the libvirt session ended (exit {await ExitCodeAsync(process)}) before: {script}\n{Errors}\n{ReadLog()}");
                if (line.StartsWith(Done, StringComparison.Ordinal))
                {
                    int status = int.Parse(line.AsSpan(Done.Length), System.Globalization.CultureInfo.InvariantCulture);
                    return new CommandResult(script, status, await File.ReadAllTextAsync(file + ".out"), await File.ReadAllTextAsync(file + ".err"));
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The tail of libvirtd's log as copied so far (empty while the daemon runs).</summary>
    public string ReadLog()
    {
        if (!File.Exists(DaemonLog))
        {
            return "";
        }

        var lines = File.ReadAllLines(DaemonLog);
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 80)));
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            process.StandardInput.Close(); // the loop ends, the script stops libvirtd, mdev-sim unmounts and exits
            try
            {
                await process.WaitForExitAsync().WaitAsync(ChildProcess.Timeout);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        _gate.Dispose();
        _dir.Delete(recursive: true);
    }

    private static async Task<int> ExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync().WaitAsync(ChildProcess.Timeout);
        return process.ExitCode;
    }
}
