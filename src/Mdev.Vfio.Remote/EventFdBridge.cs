using Mdev.Core;
using Mdev.Vfio.Remote.Native;

namespace Mdev.Vfio.Remote;

/// <summary>
/// A real kernel eventfd received from a served process (<c>SCM_RIGHTS</c>) joined to a model <see cref="EventFd"/> in
/// that process's <see cref="VfioProcess"/>. <see cref="ToProcess"/> bridges (interrupt triggers) move every count the
/// vendor signals into the kernel eventfd, so the VMM's poll loop wakes; the other direction (mask/unmask eventfds,
/// which the kernel itself reads) moves what the VMM writes into the model's counter.
/// </summary>
/// <remarks>
/// Locking: <c>_lock</c> guards <c>_kernelFd</c> (swapped by <see cref="Replace"/>, closed by <see cref="Dispose"/>), so a
/// write never reaches a closed or reused descriptor. The pump (kernel to model) runs on its own thread.
/// </remarks>
internal sealed class EventFdBridge : IDisposable
{
    private readonly Lock _lock = new();
    private readonly EventFd _model;
    private readonly Task _pump = Task.CompletedTask;
    private readonly int _wakeFd = -1;
    private int _kernelFd;
    private bool _disposed;

    /// <summary>Starts the bridge; it owns <paramref name="kernelFd"/> from here on.</summary>
    /// <param name="model">The model eventfd.</param>
    /// <param name="modelFd">Its descriptor in the <see cref="VfioProcess"/>.</param>
    /// <param name="kernelFd">The received kernel eventfd.</param>
    /// <param name="toProcess">True for a trigger (model to kernel), false for mask/unmask (kernel to model).</param>
    public EventFdBridge(EventFd model, int modelFd, int kernelFd, bool toProcess)
    {
        _model = model;
        _kernelFd = kernelFd;
        ModelFd = modelFd;
        ToProcess = toProcess;
        if (toProcess)
        {
            model.Forward = Forward;
        }
        else
        {
            _wakeFd = LibC.EventFd(0, LibC.EfdCloexec | LibC.EfdNonblock);
            if (_wakeFd < 0)
            {
                throw new MdevException(Errno.ENOMEM, "eventfd bridge: no eventfd for the pump's wake-up");
            }

            _pump = Task.Factory.StartNew(PumpFromProcess, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>The model eventfd's descriptor in the <see cref="VfioProcess"/>, written into SET_IRQS in place of the VMM's.</summary>
    public int ModelFd { get; }

    /// <summary>True for a trigger bridge (model to kernel).</summary>
    public bool ToProcess { get; }

    /// <summary>The VMM handed the same eventfd number again: signal the newly received descriptor from now on.</summary>
    /// <param name="kernelFd">The new descriptor; the old one is closed.</param>
    public void Replace(int kernelFd)
    {
        int old;
        lock (_lock)
        {
            old = _kernelFd;
            _kernelFd = kernelFd;
        }

        LibC.Close(old);
    }

    /// <summary>Stops the pump and closes the kernel descriptor (the model eventfd belongs to the process).</summary>
    public void Dispose()
    {
        int fd;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            fd = _kernelFd;
            _kernelFd = -1;
        }

        _model.Forward = null;
        if (_wakeFd >= 0)
        {
            Wake();
        }

        _pump.Wait();
        LibC.Close(fd);
        if (_wakeFd >= 0)
        {
            LibC.Close(_wakeFd);
        }

    }

    private void Forward(ulong value)
    {
        lock (_lock)
        {
            if (_kernelFd >= 0)
            {
                WriteCounter(_kernelFd, value);
            }
        }
    }

    private unsafe void PumpFromProcess()
    {
        Span<PollFd> fds = stackalloc PollFd[2];
        while (true)
        {
            int kernelFd;
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                kernelFd = _kernelFd;
            }

            fds[0] = new PollFd { Fd = kernelFd, Events = LibC.PollIn };
            fds[1] = new PollFd { Fd = _wakeFd, Events = LibC.PollIn };
            fixed (PollFd* p = fds)
            {
                if (LibC.Poll(p, 2, -1) < 0)
                {
                    continue; // EINTR
                }
            }

            if (fds[1].Revents != 0)
            {
                ulong ignored;
                LibC.Read(_wakeFd, &ignored, 8);
                continue;
            }

            ulong value;
            lock (_lock)
            {
                if (_disposed || _kernelFd != kernelFd || LibC.Read(kernelFd, &value, 8) != 8)
                {
                    continue;
                }
            }

            try
            {
                _model.Signal(value);
            }
            catch (MdevException ex) when (ex.Errno is Errno.EBADF or Errno.EAGAIN)
            {
                // Closed by the process, or the counter is full: a non-blocking eventfd write would fail the same way.
            }
        }
    }

    private unsafe void Wake()
    {
        ulong one = 1;
        LibC.Write(_wakeFd, &one, 8);
    }

    private static unsafe void WriteCounter(int fd, ulong value)
    {
        // A full counter (EAGAIN) or a descriptor the VMM no longer reads loses the count, as eventfd_signal saturates.
        LibC.Write(fd, &value, 8);
    }
}
