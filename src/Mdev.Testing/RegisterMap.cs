using Mdev.Core;

namespace Mdev.Testing;

/// <summary>
/// Named registers of one region, so a device test reads like its datasheet: declare each register's offset and width
/// once, then <c>regs.Read("STATUS")</c>, <c>regs.Write("CTRL", 1)</c>. Accesses go through the session's device file.
/// </summary>
/// <param name="session">The open device.</param>
/// <param name="region">The region index (e.g. <c>VfioPciRegion.Bar2</c>, or <c>VfioPciRegion.Config</c> for config registers).</param>
public sealed class RegisterMap(VmmSession session, uint region)
{
    private readonly Dictionary<string, (long Offset, int Size)> _registers = new(StringComparer.Ordinal);

    /// <summary>The region the registers are in.</summary>
    public uint Region => region;

    /// <summary>The registers declared, by name.</summary>
    public IReadOnlyDictionary<string, (long Offset, int Size)> Registers => _registers;

    /// <summary>Declares a register.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="offset">Its offset in the region.</param>
    /// <param name="size">1, 2 or 4 bytes.</param>
    /// <returns>This map, to chain declarations.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for another width, a negative offset or a name declared already.</exception>
    public RegisterMap Add(string name, long offset, int size)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (size is not (1 or 2 or 4) || offset < 0 || !_registers.TryAdd(name, (offset, size)))
        {
            throw new MdevException(Errno.EINVAL, $"register {name}: offset 0x{offset:x}, {size} bytes is not a new 1-, 2- or 4-byte register");
        }

        return this;
    }

    /// <summary>Reads a register.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>The value.</returns>
    public uint Read(string name)
    {
        var (offset, size) = Find(name);
        return session.ReadRegion(region, offset, size);
    }

    /// <summary>Writes a register.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="value">The value (its low bytes for a narrow register).</param>
    public void Write(string name, uint value)
    {
        var (offset, size) = Find(name);
        session.WriteRegion(region, offset, value, size);
    }

    private (long Offset, int Size) Find(string name) =>
        _registers.TryGetValue(name, out var r) ? r : throw new MdevException(Errno.ENOENT, $"register {name}: not declared on region {region}");
}
