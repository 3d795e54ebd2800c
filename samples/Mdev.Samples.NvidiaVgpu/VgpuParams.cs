using Mdev.Core;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// The plugin parameters of one vGPU (<c>&lt;uuid&gt;/nvidia/vgpu_params</c>): comma-separated <c>key=value</c> pairs,
/// spaces around items allowed, e.g. <c>frame_rate_limiter=0, disable_vnc=1</c>; writing only blanks clears them. They
/// take effect at the vGPU's next start (next open by a VMM); a write never fails because a VM runs.
/// </summary>
internal sealed class VgpuParams
{
    /// <summary>The switches this sample accepts (names as NVIDIA's vGPU user guide gives them for KVM); each takes 0 or 1.</summary>
    private static readonly string[] Known = ["frame_rate_limiter", "disable_vnc", "enable_uvm", "enable_debugging", "enable_profiling"];

    private VgpuParams(IReadOnlyList<KeyValuePair<string, string>> items) => Items = items;

    /// <summary>No parameters (the state of a new vGPU).</summary>
    public static VgpuParams None { get; } = new([]);

    /// <summary>The pairs, in the order written.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Items { get; }

    /// <summary>Parses one write of the attribute (one trailing newline allowed).</summary>
    /// <exception cref="MdevException"><c>EINVAL</c> for an item that is not <c>key=value</c>, an unknown key, a value other than 0 or 1, or a key given twice; the stored parameters stay as they were.</exception>
    public static VgpuParams Parse(string text, string where)
    {
        var body = text.EndsWith('\n') ? text[..^1] : text;
        if (body.AsSpan().Trim(' ').IsEmpty)
        {
            return None;
        }

        var items = new List<KeyValuePair<string, string>>();
        foreach (var raw in body.Split(','))
        {
            var item = raw.Trim(' ');
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == item.Length - 1 || item.AsSpan().ContainsAny(" \t\n"))
            {
                throw new MdevException(Errno.EINVAL, $"{where}: '{item}' is not key=value");
            }

            var (key, value) = (item[..eq], item[(eq + 1)..]);
            if (!Known.Contains(key))
            {
                throw new MdevException(Errno.EINVAL, $"{where}: unknown parameter '{key}' (known: {string.Join(", ", Known)})");
            }

            if (value is not ("0" or "1"))
            {
                throw new MdevException(Errno.EINVAL, $"{where}: {key}={value}: the value must be 0 or 1");
            }

            if (items.Any(i => i.Key == key))
            {
                throw new MdevException(Errno.EINVAL, $"{where}: {key} is given twice");
            }

            items.Add(new(key, value));
        }

        return new VgpuParams(items);
    }

    /// <summary>What the attribute shows: the pairs joined by <c>", "</c>, then a newline (a lone newline when empty).</summary>
    public string Show() => string.Join(", ", Items.Select(i => i.Key + "=" + i.Value)) + "\n";
}
