using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Mdev.Core;
using Microsoft.Extensions.Logging;

namespace Mdev.Control.Internal;

/// <summary>
/// Call-out scripts and notifiers as mdevctl 1.2.0 runs them (mdevctl-contract.md §8, <c>src/callouts.rs</c>): the
/// executables in <c>scripts.d/callouts</c> are tried in path order until one exits with a code other than 2 ("not my
/// type"); that one answers <c>pre</c>, and <c>post</c> goes to it too. Every notifier runs after the command, whatever
/// happened. argv is <c>-t type -e event -a action -s state -u uuid -p parent</c>; standard input is the compact
/// config JSON except for <c>get</c>, whose standard output is the device's attributes.
/// </summary>
internal sealed class Callouts(string configDirectory, bool enabled, ILogger logger)
{
    private string CalloutDirectory => Path.Combine(configDirectory, DefinitionStore.ScriptsDirectory, "callouts");

    private string NotifierDirectory => Path.Combine(configDirectory, DefinitionStore.ScriptsDirectory, "notifiers");

    /// <summary>
    /// Runs <paramref name="body"/> between the <c>pre</c> and <c>post</c> callouts, then the notifiers. A <c>pre</c>
    /// script that fails stops the command before <paramref name="body"/> runs; <c>post</c> and notifier failures are only logged.
    /// </summary>
    public async Task<T> InvokeAsync<T>(CalloutAction action, Guid uuid, string parent, MdevDeviceConfig config, Func<Task<T>> body, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return await body().ConfigureAwait(false);
        }

        var context = new Context(action, uuid, parent, config);
        var state = "none"; // what the notifiers are told (-s), as mdevctl's Callout.state
        try
        {
            var pre = await FirstMatchingAsync(context, "pre", "none", cancellationToken).ConfigureAwait(false);
            if (pre is { ExitCode: not 0 })
            {
                throw new MdevctlException(Errno.EPERM, $"callout script \"{pre.Script}\" failed with return code {pre.ExitCode}");
            }

            T result;
            try
            {
                result = await body().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                state = "failure";
                await PostAsync(context, pre?.Script, state, cancellationToken).ConfigureAwait(false);
                throw;
            }

            state = "success";
            await PostAsync(context, pre?.Script, state, cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            await NotifyAsync(context, state).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The <c>get</c> callout (<c>-e get -a attributes</c>): the attributes the first matching script prints, or null
    /// when no script matches or it prints nothing. <c>[{}]</c> means none.
    /// </summary>
    /// <exception cref="MdevctlException"><c>failed to get attributes from "script"</c>, or <c>Unable to parse attributes from JSON</c>.</exception>
    public async Task<IReadOnlyList<MdevConfigAttribute>?> GetAttributesAsync(Guid uuid, string parent, string type, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return null;
        }

        var context = new Context(CalloutAction.Attributes, uuid, parent, new MdevDeviceConfig(type));
        var answer = await FirstMatchingAsync(context, "get", "none", cancellationToken).ConfigureAwait(false);
        if (answer is null || (answer.ExitCode == 0 && answer.Stdout.Length == 0))
        {
            return null;
        }

        if (answer.ExitCode != 0)
        {
            throw new MdevctlException(Errno.EIO, $"failed to get attributes from \"{answer.Script}\"");
        }

        var text = answer.Stdout == "[{}]" ? "[]" : answer.Stdout;
        try
        {
            return MdevDeviceConfig.ParseAttributes(text);
        }
        catch (MdevctlException ex)
        {
            throw new MdevctlException(Errno.EINVAL, "Unable to parse attributes from JSON", ex);
        }
    }

    private async Task PostAsync(Context context, string? script, string state, CancellationToken cancellationToken)
    {
        var post = script is null
            ? await FirstMatchingAsync(context, "post", state, cancellationToken).ConfigureAwait(false)
            : await RunAsync(script, context, "post", state, cancellationToken).ConfigureAwait(false);
        if (post is { ExitCode: not 0 })
        {
            Log.CalloutIgnoredFailure(logger, "post", post.Script, post.ExitCode);
        }
    }

    private async Task NotifyAsync(Context context, string state)
    {
        foreach (var script in Scripts(NotifierDirectory))
        {
            // Notifiers run after the command has happened: not cancellable, as the command itself no longer is.
            var result = await RunAsync(script, context, "notify", state, CancellationToken.None).ConfigureAwait(false);
            if (result is { ExitCode: not 0 })
            {
                Log.CalloutIgnoredFailure(logger, "notify", script, result.ExitCode);
            }
        }
    }

    private async Task<ScriptResult?> FirstMatchingAsync(Context context, string @event, string state, CancellationToken cancellationToken)
    {
        foreach (var script in Scripts(CalloutDirectory))
        {
            var result = await RunAsync(script, context, @event, state, cancellationToken).ConfigureAwait(false);
            if (result is not null && result.ExitCode != 2)
            {
                return result;
            }
        }

        return null;
    }

    private static IEnumerable<string> Scripts(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFileSystemEntries(directory).Where(p => !Directory.Exists(p)).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>Runs one script; null when it cannot be executed (mdevctl skips it).</summary>
    private async Task<ScriptResult?> RunAsync(string script, Context context, string @event, string state, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(script)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["-t", context.Config.Type, "-e", @event, "-a", ActionName(context.Action), "-s", state, "-u", Uuids.Format(context.Uuid), "-p", context.Parent])
        {
            start.ArgumentList.Add(arg);
        }

        Log.CalloutRunning(logger, @event, ActionName(context.Action), script);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception($"cannot start {script}");
        }
        catch (Win32Exception ex)
        {
            Log.CalloutNotExecutable(logger, ex, script);
            return null;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                if (@event != "get")
                {
                    await process.StandardInput.WriteAsync(context.Config.ToCompactJson().AsMemory(), cancellationToken).ConfigureAwait(false);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The script exited without reading its input (EPIPE): mdevctl ignores that too.
            }

            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var err = await stderr.ConfigureAwait(false);
            if (err.Length > 0)
            {
                Log.CalloutStderr(logger, Path.GetFileName(script), err.TrimEnd('\n'));
            }

            return new ScriptResult(script, process.ExitCode, await stdout.ConfigureAwait(false));
        }
    }

    private static string ActionName(CalloutAction action) => action switch
    {
        CalloutAction.Start => "start",
        CalloutAction.Stop => "stop",
        CalloutAction.Define => "define",
        CalloutAction.Undefine => "undefine",
        CalloutAction.Modify => "modify",
        _ => "attributes",
    };

    private sealed record Context(CalloutAction Action, Guid Uuid, string Parent, MdevDeviceConfig Config);

    private sealed record ScriptResult(string Script, int ExitCode, string Stdout);
}
