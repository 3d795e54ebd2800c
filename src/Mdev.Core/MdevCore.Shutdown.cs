namespace Mdev.Core;

/// <summary>Unregistration and shutdown that a caller can stop waiting for.</summary>
public sealed partial class MdevCore
{
    /// <summary>
    /// <see cref="UnregisterParentAsync(Device)"/>, with a token that stops the caller's wait. A device still held open
    /// keeps the unregistration waiting (the core logs a warning naming who holds it, see
    /// <see cref="MdevDevice.Holders"/>); cancelling does not undo or stop the unregistration — the kernel's cannot be
    /// cancelled either — it goes on, creates and removes on the parent keep getting <c>ENODEV</c>, and it completes
    /// once the holders let go.
    /// </summary>
    /// <param name="device">The parent device.</param>
    /// <param name="cancellationToken">Stops the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>A task that completes when the parent is gone.</returns>
    public Task UnregisterParentAsync(Device device, CancellationToken cancellationToken) =>
        UnregisterParentAsync(device).WaitAsync(cancellationToken);

    /// <summary>
    /// <see cref="DisposeAsync"/> with a token that stops the caller's wait (e.g. a host's shutdown timeout): every parent
    /// is unregistered, each device waiting for its holders as in <see cref="UnregisterParentAsync(Device, CancellationToken)"/>;
    /// on cancellation the shutdown goes on in the background.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>A task that completes when everything is gone.</returns>
    public Task ShutdownAsync(CancellationToken cancellationToken) =>
        DisposeAsync().AsTask().WaitAsync(cancellationToken);
}
