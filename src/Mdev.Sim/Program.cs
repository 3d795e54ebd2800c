using Mdev.Samples.Host;

// mdev-sim: with no arguments, the main sample (a VMM session on a simulated host with the kernel's mtty driver);
// "serve --mount <dir> [--host <host.json>] [--vfio-socket <path>] [--control <socket>]" mounts a simulated host as a real sysfs for mdevctl and
// the shell; "run [--host <host.json>] [--control <socket>] [--udev] -- <command>" runs one command on it (RunCommand).
if (args is ["serve", ..])
{
    return await ServeCommand.RunAsync(args[1..]);
}

if (args is ["run", ..])
{
    return await RunCommand.RunAsync(args[1..]);
}

if (args is [RunCommand.InnerVerb, ..])
{
    return await RunCommand.RunInNamespaceAsync(args[1..]);
}

if (args.Length > 0)
{
    await Console.Error.WriteLineAsync($"usage: mdev-sim [serve --mount <dir> [--host <host.json>] [--vfio-socket <path>] [--control <socket>] | run ... -- <command>]\n{RunArguments.Usage}");
    return 2;
}

await Walkthrough.RunAsync(Console.Out);
return 0;
