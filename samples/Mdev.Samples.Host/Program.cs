using Mdev.Samples.Host;

// mdev-sim: with no arguments, the main sample (a VMM session on a simulated host with the kernel's mtty driver);
// "serve --mount <dir> [--host <host.json>]" mounts a simulated host as a real sysfs for mdevctl and the shell.
if (args is ["serve", ..])
{
    return await ServeCommand.RunAsync(args[1..]);
}

if (args.Length > 0)
{
    await Console.Error.WriteLineAsync("usage: mdev-sim [serve --mount <dir> [--host <host.json>] [--vfio-socket <path>]]");
    return 2;
}

await Walkthrough.RunAsync(Console.Out);
return 0;
