using System.Collections;

namespace Mdev.Vfio;

/// <summary>
/// The DATA_EVENTFD of a raw SET_IRQS: descriptor numbers resolved to eventfds only when the driver reads an entry,
/// as a kernel driver calls <c>eventfd_ctx_fdget</c> itself after its own checks (mtty_set_irqs): a driver that
/// refuses the request first never sees a bad descriptor's <c>EBADF</c>/<c>EINVAL</c>. A negative number reads as null.
/// </summary>
internal sealed class VfioEventFdList(IReadOnlyList<int> numbers, Func<int, EventFd> resolve) : IReadOnlyList<EventFd?>
{
    public int Count => numbers.Count;

    /// <summary>Resolves entry <paramref name="index"/> now (<c>eventfd_ctx_fdget</c>): null for a negative number.</summary>
    public EventFd? this[int index] => numbers[index] < 0 ? null : resolve(numbers[index]);

    public IEnumerator<EventFd?> GetEnumerator()
    {
        for (int i = 0; i < numbers.Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
