namespace Mdev.Vfio;

/// <summary><c>vfio_irq_set.flags</c>: exactly one data type and one action.</summary>
[Flags]
public enum VfioIrqSetFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary><c>VFIO_IRQ_SET_DATA_NONE</c>: no data.</summary>
    DataNone = 1 << 0,
    /// <summary><c>VFIO_IRQ_SET_DATA_BOOL</c>: one byte per interrupt.</summary>
    DataBool = 1 << 1,
    /// <summary><c>VFIO_IRQ_SET_DATA_EVENTFD</c>: one <c>__s32</c> eventfd per interrupt (-1 de-assigns).</summary>
    DataEventFd = 1 << 2,
    /// <summary><c>VFIO_IRQ_SET_ACTION_MASK</c>.</summary>
    ActionMask = 1 << 3,
    /// <summary><c>VFIO_IRQ_SET_ACTION_UNMASK</c>.</summary>
    ActionUnmask = 1 << 4,
    /// <summary><c>VFIO_IRQ_SET_ACTION_TRIGGER</c>.</summary>
    ActionTrigger = 1 << 5,
    /// <summary><c>VFIO_IRQ_SET_DATA_TYPE_MASK</c>.</summary>
    DataTypeMask = DataNone | DataBool | DataEventFd,
    /// <summary><c>VFIO_IRQ_SET_ACTION_TYPE_MASK</c>.</summary>
    ActionTypeMask = ActionMask | ActionUnmask | ActionTrigger,
}
