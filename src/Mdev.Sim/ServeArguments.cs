namespace Mdev.Samples.Host;

/// <summary>
/// The arguments of <c>mdev-sim serve --mount &lt;dir&gt; [--host &lt;host.json&gt;] [--vfio-socket &lt;path&gt;]
/// [--control &lt;socket&gt;]</c>.
/// </summary>
internal sealed record ServeArguments(string MountPoint, string? HostFile, string? VfioSocket = null, string? ControlSocket = null)
{
    /// <summary>The usage line.</summary>
    public const string Usage = "usage: mdev-sim serve --mount <dir> [--host <host.json>] [--vfio-socket <path>] [--control <socket>]";

    /// <summary>Parses the arguments after <c>serve</c>; null (with <paramref name="error"/>) when they are wrong.</summary>
    public static ServeArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        string? mount = null, host = null, socket = null, control = null;
        for (int i = 0; i < args.Count; i++)
        {
            string? Value() => i + 1 < args.Count ? args[++i] : null;
            switch (args[i])
            {
                case "--mount" when mount is null:
                    mount = Value();
                    break;
                case "--host" when host is null:
                    host = Value();
                    break;
                case "--vfio-socket" when socket is null:
                    socket = Value() ?? string.Empty;
                    break;
                case "--control" when control is null:
                    control = Value() ?? string.Empty;
                    break;
                default:
                    error = $"unexpected argument '{args[i]}'";
                    return null;
            }
        }

        if (string.IsNullOrEmpty(mount))
        {
            error = "--mount <dir> is required";
            return null;
        }

        if (host is { Length: 0 })
        {
            error = "--host needs a file";
            return null;
        }

        if (socket is { Length: 0 })
        {
            error = "--vfio-socket needs a path";
            return null;
        }

        if (control is { Length: 0 })
        {
            error = "--control needs a socket path";
            return null;
        }

        error = null;
        return new ServeArguments(mount, host, socket, control);
    }
}
