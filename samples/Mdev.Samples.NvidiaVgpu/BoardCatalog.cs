using Mdev.Core;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// The boards and vGPU types this sample knows, as the NVIDIA host driver lists them in sysfs
/// (<c>kernel-mdev-spec.md</c> §5.1, from public listings). Columns: type id, profile, num_heads, frl_config,
/// framebuffer (MiB), max_resolution, max_instance. Device ids are the boards' PCI ids; BOOT_0 carries the chip id
/// (GM204 0x124, GP102 0x132, GP104 0x134, GV100 0x140, TU102 0x162) with stepping A1.
/// </summary>
internal static class BoardCatalog
{
    /// <summary>Tesla M60, one of its two GPUs (8 GiB each): types nvidia-11 ... nvidia-22.</summary>
    public static readonly GpuBoard M60 = new("M60", 0x13F2, 0x124000A1, 8192,
    [
        new(11, "M60", "0B", 2, 45, 512, 2560, 1600, 16),
        new(12, "M60", "0Q", 2, 60, 512, 2560, 1600, 16),
        new(13, "M60", "1A", 1, 60, 1024, 1280, 1024, 8),
        new(14, "M60", "1B", 4, 45, 1024, 5120, 2880, 8),
        new(15, "M60", "1Q", 4, 60, 1024, 5120, 2880, 8),
        new(16, "M60", "2A", 1, 60, 2048, 1280, 1024, 4),
        new(17, "M60", "2B", 4, 45, 2048, 5120, 2880, 4),
        new(18, "M60", "2Q", 4, 60, 2048, 5120, 2880, 4),
        new(19, "M60", "4A", 1, 60, 4096, 1280, 1024, 2),
        new(20, "M60", "4Q", 4, 60, 4096, 5120, 2880, 2),
        new(21, "M60", "8A", 1, 60, 8192, 1280, 1024, 1),
        new(22, "M60", "8Q", 4, 60, 8192, 5120, 2880, 1),
    ]);

    /// <summary>Tesla P40 (24 GiB): Q types nvidia-46 ... 53, A types nvidia-54 ... 61.</summary>
    public static readonly GpuBoard P40 = new("P40", 0x1B38, 0x132000A1, 24576,
    [
        new(46, "P40", "1Q", 4, 60, 1024, 5120, 2880, 24),
        new(47, "P40", "2Q", 4, 60, 2048, 7680, 4320, 12),
        new(48, "P40", "3Q", 4, 60, 3072, 7680, 4320, 8),
        new(49, "P40", "4Q", 4, 60, 4096, 7680, 4320, 6),
        new(50, "P40", "6Q", 4, 60, 6144, 7680, 4320, 4),
        new(51, "P40", "8Q", 4, 60, 8192, 7680, 4320, 3),
        new(52, "P40", "12Q", 4, 60, 12288, 7680, 4320, 2),
        new(53, "P40", "24Q", 4, 60, 24576, 7680, 4320, 1),
        new(54, "P40", "1A", 1, 60, 1024, 1280, 1024, 24),
        new(55, "P40", "2A", 1, 60, 2048, 1280, 1024, 12),
        new(56, "P40", "3A", 1, 60, 3072, 1280, 1024, 8),
        new(57, "P40", "4A", 1, 60, 4096, 1280, 1024, 6),
        new(58, "P40", "6A", 1, 60, 6144, 1280, 1024, 4),
        new(59, "P40", "8A", 1, 60, 8192, 1280, 1024, 3),
        new(60, "P40", "12A", 1, 60, 12288, 1280, 1024, 2),
        new(61, "P40", "24A", 1, 60, 24576, 1280, 1024, 1),
    ]);

    /// <summary>Tesla P4 (8 GiB): nvidia-63 (P4-1Q, inferred from the pattern) and nvidia-64 (listed).</summary>
    public static readonly GpuBoard P4 = new("P4", 0x1BB3, 0x134000A1, 8192,
    [
        new(63, "P4", "1Q", 4, 60, 1024, 5120, 2880, 8),
        new(64, "P4", "2Q", 4, 60, 2048, 7680, 4320, 4),
    ]);

    /// <summary>Quadro RTX 6000 (24 GiB): nvidia-256 ... 258.</summary>
    public static readonly GpuBoard Rtx6000 = new("RTX6000", 0x1E30, 0x162000A1, 24576,
    [
        new(256, "RTX6000", "1Q", 4, 60, 1024, 5120, 2880, 24),
        new(257, "RTX6000", "2Q", 4, 60, 2048, 7680, 4320, 12),
        new(258, "RTX6000", "3Q", 4, 60, 3072, 7680, 4320, 8),
    ]);

    /// <summary>Tesla V100 (16 GiB): nvidia-105 ... 108.</summary>
    public static readonly GpuBoard V100 = new("V100", 0x1DB4, 0x140000A1, 16384,
    [
        new(105, "V100", "1Q", 4, 60, 1024, 5120, 2880, 16),
        new(106, "V100", "2Q", 4, 60, 2048, 7680, 4320, 8),
        new(107, "V100", "4Q", 4, 60, 4096, 7680, 4320, 4),
        new(108, "V100", "8Q", 4, 60, 8192, 7680, 4320, 2),
    ]);

    /// <summary>Every board, by name.</summary>
    public static IReadOnlyList<GpuBoard> All { get; } = [M60, P40, P4, Rtx6000, V100];

    /// <summary>Finds a board by name (case-insensitive).</summary>
    /// <exception cref="MdevException"><c>EINVAL</c> for an unknown board.</exception>
    public static GpuBoard Find(string name) =>
        All.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new MdevException(Errno.EINVAL, $"nvidia: unknown board '{name}' (known: {string.Join(", ", All.Select(b => b.Name))})");
}
