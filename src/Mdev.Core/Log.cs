using Microsoft.Extensions.Logging;

namespace Mdev.Core;

/// <summary>The core's log messages (source-generated, stable event ids), worded as the kernel logs them.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "MDEV: Registered {Parent}")]
    public static partial void ParentRegistered(ILogger logger, string parent);

    [LoggerMessage(2, LogLevel.Information, "MDEV: Unregistering {Parent}")]
    public static partial void ParentUnregistering(ILogger logger, string parent);

    [LoggerMessage(3, LogLevel.Information, "MDEV: created {Device} of type {Type}")]
    public static partial void DeviceCreated(ILogger logger, string device, string type);

    [LoggerMessage(4, LogLevel.Information, "MDEV: removed {Device}")]
    public static partial void DeviceRemoved(ILogger logger, string device);

    [LoggerMessage(5, LogLevel.Warning, "{Device}: Remove failed: err={Errno}")]
    public static partial void VendorRemoveFailed(ILogger logger, Exception exception, string device, string errno);

    [LoggerMessage(6, LogLevel.Warning, "{Device}: driver {Driver} remove failed")]
    public static partial void DriverRemoveFailed(ILogger logger, Exception exception, string device, string driver);

    [LoggerMessage(7, LogLevel.Warning, "{Device}: driver {Driver} probe failed")]
    public static partial void DriverProbeFailed(ILogger logger, Exception exception, string device, string driver);

    // A warning, as vfio_unregister_group_dev's dev_warn ("Device is currently in use, task ... blocked until device is
    // released"), naming who holds it: a forgotten handle must not make a dispose hang silently.
    [LoggerMessage(8, LogLevel.Warning, "{Device}: device is currently in use by {Holders}, removal blocked until it is released")]
    public static partial void RemovalBlocked(ILogger logger, string device, string holders);

    [LoggerMessage(9, LogLevel.Warning, "{Device}: request callback failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string device);

    [LoggerMessage(10, LogLevel.Warning, "Failed to create compatibility class link for {Parent}")]
    public static partial void ClassLinkFailed(ILogger logger, string parent);

    [LoggerMessage(11, LogLevel.Warning, "{Device}: release callback failed")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, string device);

    [LoggerMessage(40, LogLevel.Information, "{Device}: unbound from {Driver}")]
    public static partial void DriverDetached(ILogger logger, string device, string driver);

    [LoggerMessage(41, LogLevel.Information, "{Device}: bound to {Driver}")]
    public static partial void DriverAttached(ILogger logger, string device, string driver);
}
