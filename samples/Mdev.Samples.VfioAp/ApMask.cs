namespace Mdev.Samples.VfioAp;

/// <summary>A 256-bit AP mask (APM, AQM, ADM) with the architecture's numbering: id 0 is the most significant bit (<c>set_bit_inv</c>).</summary>
internal sealed class ApMask
{
    private readonly ulong[] _words = new ulong[ApCatalog.MaskBits / 64];

    /// <summary>Sets the bit of <paramref name="id"/>.</summary>
    public void Set(int id) => _words[id >> 6] |= Bit(id);

    /// <summary>Clears the bit of <paramref name="id"/>.</summary>
    public void Clear(int id) => _words[id >> 6] &= ~Bit(id);

    /// <summary>Tests the bit of <paramref name="id"/>.</summary>
    public bool Test(int id) => (_words[id >> 6] & Bit(id)) != 0;

    /// <summary>The ids set among the first <paramref name="bits"/> (<c>for_each_set_bit_inv</c>), ascending.</summary>
    public IEnumerable<int> Ids(int bits) => Enumerable.Range(0, bits).Where(Test);

    /// <summary>Whether both masks have a bit in common (<c>bitmap_and</c> non-empty).</summary>
    public bool Intersects(ApMask other) => _words.Zip(other._words).Any(w => (w.First & w.Second) != 0);

    private static ulong Bit(int id) => 1UL << (63 - (id & 63));
}
