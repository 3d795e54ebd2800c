namespace Mdev.Control;

/// <summary>One entry of a definition's <c>attrs</c>: a device attribute file and the text written to it at start.</summary>
/// <param name="Name">The attribute's file name below the device directory (e.g. <c>assign_adapter</c>).</param>
/// <param name="Value">The text written verbatim, without a newline (e.g. <c>0x47</c>).</param>
public sealed record MdevConfigAttribute(string Name, string Value);
