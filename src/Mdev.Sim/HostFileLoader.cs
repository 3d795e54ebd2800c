using System.Text.Json;
using Mdev.Core;

namespace Mdev.Samples.Host;

/// <summary>Reads a <see cref="HostFile"/> from disk.</summary>
internal static class HostFileLoader
{
    /// <summary>Parses <paramref name="path"/>.</summary>
    /// <exception cref="MdevException"><c>ENOENT</c> when the file is missing, <c>EINVAL</c> when it is not a host description.</exception>
    public static HostFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MdevException(ex is FileNotFoundException or DirectoryNotFoundException ? Errno.ENOENT : Errno.EIO, $"host file {path}: {ex.Message}", ex);
        }

        HostFile? host;
        try
        {
            host = JsonSerializer.Deserialize(text, HostFileJsonContext.Default.HostFile);
        }
        catch (JsonException ex)
        {
            throw new MdevException(Errno.EINVAL, $"host file {path}: {ex.Message}", ex);
        }

        if (host?.Parents is null || host.Parents.Any(p => p is null))
        {
            throw HostFileKinds.Invalid($"host file {path}: \"parents\" must be a list of objects");
        }

        return host;
    }
}
