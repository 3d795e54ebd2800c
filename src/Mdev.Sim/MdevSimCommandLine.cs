using System.CommandLine;

namespace Mdev.Samples.Host;

/// <summary>
/// mdev-sim's command line (System.CommandLine): <c>--help</c> and <c>--version</c> print on stdout and exit 0; a usage
/// error prints what is wrong and the usage on stderr and exits 2; options take <c>--mount DIR</c> and <c>--mount=DIR</c>
/// alike; <c>--verbose</c> shows the simulated kernel's log on stderr. The verbs' own checks (ServeArguments,
/// RunArguments) still run on what is forwarded to them, so their messages stay the same.
/// </summary>
internal static class MdevSimCommandLine
{
    /// <summary>Set for the process and its children (run's namespaced re-execution) by <c>--verbose</c>.</summary>
    public const string VerboseVariable = "MDEV_SIM_VERBOSE";

    /// <summary>The usage of the whole tool.</summary>
    public const string Usage = "usage: mdev-sim [--verbose] [serve --mount <dir> [--host <host.json>] [--vfio-socket <path>] [--control <socket>] | run ... -- <command>]";

    /// <summary>Parses and runs.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The exit status.</returns>
    public static async Task<int> InvokeAsync(string[] args)
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show the simulated kernel's log on stderr", Recursive = true };

        var mount = new Option<string>("--mount") { Description = "An existing directory to mount the simulated /sys at (required)", HelpName = "dir" };
        var serveHost = new Option<string>("--host") { Description = "A JSON host file (parents, faults); default: every vendor sample once", HelpName = "host.json" };
        var vfioSocket = new Option<string>("--vfio-socket") { Description = "Serve /dev/vfio to a VMM on this UNIX socket", HelpName = "path" };
        var serveControl = new Option<string>("--control") { Description = "Serve the HTTP+JSON control API on this UNIX socket", HelpName = "socket" };
        var serve = new Command("serve", "Mount the simulated host as a real sysfs and serve until SIGINT or SIGTERM")
        {
            mount, serveHost, vfioSocket, serveControl,
        };
        serve.SetAction((result, _) => ServeCommand.RunAsync(
        [
            .. Forward("--mount", result.GetValue(mount)),
            .. Forward("--host", result.GetValue(serveHost)),
            .. Forward("--vfio-socket", result.GetValue(vfioSocket)),
            .. Forward("--control", result.GetValue(serveControl)),
        ]));

        var runHost = new Option<string>("--host") { Description = "A JSON host file (parents, faults)", HelpName = "host.json" };
        var runControl = new Option<string>("--control") { Description = "Serve the HTTP+JSON control API on this UNIX socket", HelpName = "socket" };
        var udev = new Option<bool>("--udev") { Description = "Emulate mdevctl's udev rule (start-parent-mdevs on MDEV_STATE=registered)" };
        var command = new Argument<string[]>("command") { Description = "The command and its arguments, after --", Arity = ArgumentArity.ZeroOrMore };
        var run = new Command("run", "Run one command in a private mount namespace where /sys is the simulated host")
        {
            runHost, runControl, udev, command,
        };
        run.SetAction((result, _) => RunCommand.RunAsync(
        [
            .. Forward("--host", result.GetValue(runHost)),
            .. Forward("--control", result.GetValue(runControl)),
            .. result.GetValue(udev) ? ["--udev"] : Array.Empty<string>(),
            .. Array.IndexOf(args, "--") >= 0 ? ["--", .. result.GetValue(command) ?? []] : Array.Empty<string>(),
        ]));

        var root = new RootCommand("mdev-sim: a simulated Linux mdev/VFIO host. With no command: a VMM session walkthrough on the kernel's mtty.")
        {
            verbose, serve, run,
        };
        root.SetAction(async (_, _) =>
        {
            await Walkthrough.RunAsync(Console.Out);
            return 0;
        });

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var name = parsed.CommandResult.Command == root ? "mdev-sim" : $"mdev-sim {parsed.CommandResult.Command.Name}";
            var usage = parsed.CommandResult.Command == serve ? ServeArguments.Usage
                : parsed.CommandResult.Command == run ? RunArguments.Usage
                : Usage;
            await Console.Error.WriteLineAsync($"{name}: {parsed.Errors[0].Message}\n{usage}");
            return 2;
        }

        if (parsed.GetValue(verbose))
        {
            Environment.SetEnvironmentVariable(VerboseVariable, "1");
        }

        // serve handles SIGINT/SIGTERM itself (it unmounts, then exits 0): no termination timeout of the library's.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static string[] Forward(string option, string? value) => value is null ? [] : [option, value];
}
