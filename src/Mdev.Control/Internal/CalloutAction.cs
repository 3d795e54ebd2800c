namespace Mdev.Control.Internal;

/// <summary>The <c>-a</c> argument of a callout or notifier: which mdevctl command runs it.</summary>
internal enum CalloutAction
{
    Start,
    Stop,
    Define,
    Undefine,
    Modify,
    Attributes,
}
