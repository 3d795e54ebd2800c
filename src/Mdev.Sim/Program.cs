using Mdev.Samples.Host;

// mdev-sim: with no arguments, the main sample (a VMM session on a simulated host with the kernel's mtty driver);
// "serve" mounts a simulated host as a real sysfs for mdevctl and the shell; "run ... -- <command>" runs one command on
// it (RunCommand). The command line is MdevSimCommandLine's (System.CommandLine).
if (args is [RunCommand.InnerVerb, ..])
{
    // run's own re-execution inside the new mount namespace: not a user command.
    return await RunCommand.RunInNamespaceAsync(args[1..]);
}

return await MdevSimCommandLine.InvokeAsync(args);
