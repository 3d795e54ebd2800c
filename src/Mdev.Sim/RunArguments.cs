namespace Mdev.Samples.Host;

/// <summary>The arguments of <c>mdev-sim run [--host &lt;host.json&gt;] [--control &lt;socket&gt;] [--udev] -- CMD [ARGS...]</c>.</summary>
internal sealed record RunArguments(string? HostFile, string? ControlSocket, bool Udev, IReadOnlyList<string> Command)
{
    /// <summary>The usage line.</summary>
    public const string Usage = "usage: mdev-sim run [--host <host.json>] [--control <socket>] [--udev] -- <command> [<argument>...]";

    /// <summary>Parses the arguments after <c>run</c>; null (with <paramref name="error"/>) when they are wrong.</summary>
    public static RunArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        string? host = null, control = null;
        bool udev = false;
        for (int i = 0; i < args.Count; i++)
        {
            string? Value() => i + 1 < args.Count ? args[++i] : null;
            switch (args[i])
            {
                case "--host" when host is null:
                    host = Value() ?? string.Empty;
                    break;
                case "--control" when control is null:
                    control = Value() ?? string.Empty;
                    break;
                case "--udev" when !udev:
                    udev = true;
                    break;
                case "--":
                    var command = args.Skip(i + 1).ToArray();
                    error = command.Length == 0 ? "a command is required after --"
                        : host is { Length: 0 } ? "--host needs a file"
                        : control is { Length: 0 } ? "--control needs a socket path"
                        : null;
                    return error is null ? new RunArguments(host, control, udev, command) : null;
                default:
                    error = $"unexpected argument '{args[i]}'";
                    return null;
            }
        }

        error = "-- <command> is required";
        return null;
    }

    /// <summary>The options again, for the namespaced child (<c>--</c> and the command included).</summary>
    public IEnumerable<string> Format()
    {
        if (HostFile is not null)
        {
            yield return "--host";
            yield return Path.GetFullPath(HostFile);
        }

        if (ControlSocket is not null)
        {
            yield return "--control";
            yield return Path.GetFullPath(ControlSocket);
        }

        if (Udev)
        {
            yield return "--udev";
        }

        yield return "--";
        foreach (var a in Command)
        {
            yield return a;
        }
    }
}
