using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// An in-process <c>eventfd(2)</c> in non-semaphore mode, opened with <c>EFD_NONBLOCK</c>: the object a VMM hands to
/// <c>VFIO_DEVICE_SET_IRQS</c> as an interrupt trigger. It holds a 64-bit counter; a write (<see cref="Signal"/>) adds
/// to it and a read returns it and resets it to zero (<c>fs/eventfd.c</c>).
/// </summary>
/// <remarks>
/// <para>
/// The counter never exceeds <c>0xFFFFFFFFFFFFFFFE</c>: writing <c>0xFFFFFFFFFFFFFFFF</c> is <see cref="Errno.EINVAL"/>
/// and a write whose sum would pass the maximum is <see cref="Errno.EAGAIN"/> (what a non-blocking write returns
/// instead of sleeping). A read of a zero counter is <see cref="Errno.EAGAIN"/> (<see cref="Read"/>), <c>false</c>
/// (<see cref="TryRead"/>) or a wait (<see cref="ReadAsync"/>).
/// </para>
/// <para>
/// Several <see cref="ReadAsync"/> callers may wait at once. Each successful <see cref="Signal"/> hands the whole
/// counter to the longest-waiting reader, the others keep waiting; the kernel wakes every sleeper and the first to take
/// the lock wins, which a caller cannot tell apart from this order. Writing zero succeeds, counts in
/// <see cref="TotalSignals"/> and wakes nobody (the kernel's woken readers see zero and sleep again).
/// </para>
/// <para>
/// All members are thread-safe. <see cref="Signal"/> does not allocate unless it throws. After <see cref="Dispose"/>
/// every member except <see cref="TotalSignals"/> throws <see cref="Errno.EBADF"/> and pending
/// <see cref="ReadAsync"/> calls complete with <see cref="Errno.EBADF"/>.
/// </para>
/// </remarks>
public sealed class EventFd : IDisposable
{
    /// <summary>The largest value the counter can hold, <c>ULLONG_MAX - 1</c>.</summary>
    public const ulong MaxCount = 0xFFFF_FFFF_FFFF_FFFE;

    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private ulong _count;
    private long _totalSignals;
    private bool _disposed;

    /// <summary>Creates an eventfd whose counter starts at <paramref name="initialValue"/> (<c>eventfd(initval, …)</c>).</summary>
    /// <param name="initialValue">The initial counter, 0 by default; the kernel takes an unsigned int.</param>
    public EventFd(uint initialValue = 0)
    {
        _count = initialValue;
    }

    /// <summary>The counter as it is now, without reading (clearing) it.</summary>
    /// <exception cref="MdevException"><see cref="Errno.EBADF"/> after <see cref="Dispose"/>.</exception>
    public ulong Count
    {
        get
        {
            lock (_gate)
            {
                ThrowIfDisposed("count");
                return _count;
            }
        }
    }

    /// <summary>
    /// Set when this eventfd stands for a real kernel eventfd of a process outside .NET (Mdev.Vfio.Remote): every
    /// signal is handed to it at once, on the signalling thread, instead of counting here, so the other process can
    /// read it before the vendor call that raised it returns (as with the kernel's <c>eventfd_signal</c>).
    /// </summary>
    internal Action<ulong>? Forward { get; set; }

    /// <summary>How many <see cref="Signal"/> calls succeeded since creation (a harness statistic; readable after <see cref="Dispose"/>).</summary>
    public long TotalSignals => Interlocked.Read(ref _totalSignals);

    /// <summary>
    /// The kernel side's <c>eventfd_signal</c>, what a device model calls to raise an interrupt: adds
    /// <paramref name="value"/>, saturating at <see cref="MaxCount"/>, and never fails — after the user closed the
    /// eventfd the kernel's context reference keeps it alive, and the signal goes nowhere.
    /// </summary>
    /// <param name="value">What to add; 1 for an interrupt.</param>
    public void SignalFromKernel(ulong value = 1)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            value = Math.Min(value, MaxCount - _count);
        }

        if (value == 0)
        {
            return;
        }

        try
        {
            Signal(value);
        }
        catch (MdevException ex) when (ex.Errno == Errno.EBADF)
        {
            // Closed by the user in the meantime: as above, the signal goes nowhere.
        }
    }

    /// <summary>Adds <paramref name="value"/> to the counter (an 8-byte <c>write</c>) and wakes a waiting reader.</summary>
    /// <param name="value">What to add; 1 for an interrupt.</param>
    /// <exception cref="MdevException">
    /// <see cref="Errno.EINVAL"/> for <c>0xFFFFFFFFFFFFFFFF</c>; <see cref="Errno.EAGAIN"/> when the sum would exceed
    /// <see cref="MaxCount"/> (the counter is unchanged); <see cref="Errno.EBADF"/> after <see cref="Dispose"/>.
    /// </exception>
    public void Signal(ulong value = 1)
    {
        if (Forward is { } forward && value != ulong.MaxValue)
        {
            lock (_gate)
            {
                ThrowIfDisposed("signal");
            }

            Interlocked.Increment(ref _totalSignals);
            forward(value);
            return;
        }

        Waiter? woken = null;
        ulong handedOver = 0;
        lock (_gate)
        {
            ThrowIfDisposed("signal");
            if (value == ulong.MaxValue)
            {
                throw new MdevException(Errno.EINVAL, "eventfd signal 0xffffffffffffffff: the value is reserved");
            }

            if (ulong.MaxValue - _count <= value)
            {
                throw new MdevException(
                    Errno.EAGAIN,
                    $"eventfd signal 0x{value:x}: counter 0x{_count:x} would pass 0x{MaxCount:x} (a non-blocking write does not wait)");
            }

            _count += value;
            Interlocked.Increment(ref _totalSignals);
            if (_count != 0 && _waiters.First is { } first)
            {
                woken = first.Value;
                _waiters.RemoveFirst();
                woken.Node = null;
                woken.Registration.Unregister();
                handedOver = _count;
                _count = 0;
            }
        }

        woken?.TrySetResult(handedOver);
    }

    /// <summary>Reads the counter and resets it to zero, unless it is zero.</summary>
    /// <param name="value">The counter before the read, or 0 when this returns <c>false</c>.</param>
    /// <returns><c>true</c> when the counter was non-zero.</returns>
    /// <exception cref="MdevException"><see cref="Errno.EBADF"/> after <see cref="Dispose"/>.</exception>
    public bool TryRead(out ulong value)
    {
        lock (_gate)
        {
            ThrowIfDisposed("read");
            value = _count;
            _count = 0;
            return value != 0;
        }
    }

    /// <summary>Reads the counter and resets it to zero (an 8-byte non-blocking <c>read</c>).</summary>
    /// <returns>The counter before the read, never 0.</returns>
    /// <exception cref="MdevException">
    /// <see cref="Errno.EAGAIN"/> when the counter is zero; <see cref="Errno.EBADF"/> after <see cref="Dispose"/>.
    /// </exception>
    public ulong Read()
    {
        if (!TryRead(out var value))
        {
            throw new MdevException(Errno.EAGAIN, "eventfd read: the counter is zero (non-blocking read)");
        }

        return value;
    }

    /// <summary>Waits until the counter is non-zero, then reads it and resets it to zero (a blocking <c>read</c>).</summary>
    /// <param name="cancellationToken">Stops the wait; the counter is left as it is.</param>
    /// <returns>The counter before the read, never 0.</returns>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    /// <exception cref="MdevException"><see cref="Errno.EBADF"/> when the eventfd is or gets disposed.</exception>
    public ValueTask<ulong> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<ulong>(cancellationToken);
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return ValueTask.FromException<ulong>(Closed("read"));
            }

            if (_count != 0)
            {
                var value = _count;
                _count = 0;
                return new ValueTask<ulong>(value);
            }

            var waiter = new Waiter(this);
            waiter.Node = _waiters.AddLast(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                // Lock is re-entrant, so a token cancelled meanwhile may run Cancel right here.
                waiter.Registration = cancellationToken.UnsafeRegister(
                    static (state, token) => ((Waiter)state!).Cancel(token), waiter);
            }

            return new ValueTask<ulong>(waiter.Task);
        }
    }

    /// <summary>Closes the eventfd: later calls throw <see cref="Errno.EBADF"/>, pending waits complete with it. Idempotent.</summary>
    public void Dispose()
    {
        Waiter[] pending;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _count = 0;
            pending = [.. _waiters];
            _waiters.Clear();
            foreach (var waiter in pending)
            {
                waiter.Node = null;
                waiter.Registration.Unregister();
            }
        }

        foreach (var waiter in pending)
        {
            waiter.TrySetException(Closed("read"));
        }
    }

    private static MdevException Closed(string operation) =>
        new(Errno.EBADF, $"eventfd {operation}: the eventfd is closed");

    private void ThrowIfDisposed(string operation)
    {
        if (_disposed)
        {
            throw Closed(operation);
        }
    }

    private sealed class Waiter(EventFd owner) : TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public void Cancel(CancellationToken token)
        {
            lock (owner._gate)
            {
                if (Node?.List is null)
                {
                    return; // already handed a value or failed by Dispose
                }

                owner._waiters.Remove(Node);
                Node = null;
            }

            TrySetCanceled(token);
        }
    }
}
