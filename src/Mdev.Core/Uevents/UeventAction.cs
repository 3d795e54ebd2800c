namespace Mdev.Core;

/// <summary>A uevent's ACTION (<c>enum kobject_action</c>), printed in lower case.</summary>
public enum UeventAction
{
    /// <summary><c>add</c>: a device appeared.</summary>
    Add,
    /// <summary><c>remove</c>: a device went away.</summary>
    Remove,
    /// <summary><c>change</c>: e.g. a parent's <c>MDEV_STATE=registered|unregistered</c>.</summary>
    Change,
    /// <summary><c>bind</c>: a driver was bound (with <c>DRIVER</c>).</summary>
    Bind,
    /// <summary><c>unbind</c>: a driver was unbound.</summary>
    Unbind,
    /// <summary><c>move</c>: a device was renamed or moved (only ever synthesized here).</summary>
    Move,
    /// <summary><c>online</c> (only ever synthesized here).</summary>
    Online,
    /// <summary><c>offline</c> (only ever synthesized here).</summary>
    Offline,
}
