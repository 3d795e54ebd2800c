using Microsoft.Extensions.Logging;

namespace Mdev.Control.Internal;

/// <summary>Mdev.Control's log messages (source-generated, stable event ids), worded as mdevctl logs them where it does.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Can't determine uuid for file '{Name}'")]
    public static partial void NotAUuid(ILogger logger, string name);

    [LoggerMessage(2, LogLevel.Warning, "{Message}")]
    public static partial void ParentStartFailed(ILogger logger, string message);

    [LoggerMessage(3, LogLevel.Debug, "{Event}-{Action}: executing {Script}")]
    public static partial void CalloutRunning(ILogger logger, string @event, string action, string script);

    [LoggerMessage(4, LogLevel.Debug, "failed to execute callout script {Script}")]
    public static partial void CalloutNotExecutable(ILogger logger, Exception exception, string script);

    [LoggerMessage(5, LogLevel.Warning, "{Script}: {Stderr}")]
    public static partial void CalloutStderr(ILogger logger, string script, string stderr);

    [LoggerMessage(6, LogLevel.Debug, "Error occurred when executing {Event} script {Script} (rc {ExitCode})")]
    public static partial void CalloutIgnoredFailure(ILogger logger, string @event, string script, int exitCode);

    [LoggerMessage(7, LogLevel.Warning, "get attributes of {Uuid} failed: {Message}")]
    public static partial void GetAttributesFailed(ILogger logger, string uuid, string message);

    [LoggerMessage(8, LogLevel.Information, "Created mdev {Uuid}, type {Type} on {Parent}")]
    public static partial void Created(ILogger logger, string uuid, string type, string parent);

    [LoggerMessage(9, LogLevel.Information, "Removed mdev {Uuid}")]
    public static partial void Removed(ILogger logger, string uuid);

    [LoggerMessage(10, LogLevel.Warning, "Rolling back mdev {Uuid}: {Reason}")]
    public static partial void RollingBack(ILogger logger, string uuid, string reason);

    [LoggerMessage(11, LogLevel.Information, "Wrote config {Path}")]
    public static partial void ConfigWritten(ILogger logger, string path);

    [LoggerMessage(12, LogLevel.Information, "Removed config {Path}")]
    public static partial void ConfigRemoved(ILogger logger, string path);
}
