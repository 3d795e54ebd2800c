using Mdev.Core.Sysfs;
using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>
/// A directory keeps its children in a sorted array while small and moves them to a sorted map past
/// <see cref="SysfsDirectoryNode.LargeThreshold"/> entries: listings, lookups, duplicates and removals must not
/// notice the switch. And attributes whose shared callbacks take their owner.
/// </summary>
public sealed class SysfsDirectoryGrowthTests
{
    private readonly SysfsTree _tree = new();

    [Theory]
    [InlineData(1)]
    [InlineData(SysfsDirectoryNode.LargeThreshold)]
    [InlineData(SysfsDirectoryNode.LargeThreshold + 1)]
    [InlineData(3 * SysfsDirectoryNode.LargeThreshold)]
    public void Directory_OfAnySize_ListsInOrdinalOrder_FindsRejectsDuplicates_AndRemoves(int count)
    {
        _tree.EnsureDirectory("/sys/d");

        // Added in a scrambled order, with names whose ordinal order differs from a culture's ("B" < "a").
        var names = Enumerable.Range(0, count).Select(i => (i % 2 == 0 ? "B" : "a") + ((i * 7919) % 1000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + "-" + i).ToList();
        foreach (var name in names)
        {
            _tree.AddAttribute("/sys/d/" + name, SysfsModes.ReadOnly, () => name + "\n", null);
        }

        // Malformed first: a duplicate at any size is EEXIST and changes nothing.
        Expect.Errno(Errno.EEXIST, () => _tree.AddDirectory("/sys/d/" + names[^1]));
        _tree.ReadDirectory("/sys/d").Select(e => e.Name).Should().Equal(names.Order(StringComparer.Ordinal));
        _tree.Read("/sys/d/" + names[0]).Should().Be(names[0] + "\n");

        // Remove every other one; the rest are still found and still listed in order.
        var removed = names.Where((_, i) => i % 2 == 1).ToList();
        foreach (var name in removed)
        {
            _tree.Remove("/sys/d/" + name);
        }

        var kept = names.Except(removed).ToList();
        _tree.ReadDirectory("/sys/d").Select(e => e.Name).Should().Equal(kept.Order(StringComparer.Ordinal));
        kept.Should().OnlyContain(n => _tree.Exists("/sys/d/" + n));
        removed.Should().NotContain(n => _tree.Exists("/sys/d/" + n));

        // Removing the directory marks every child removed: an open file then fails with ENODEV.
        using var file = _tree.Open("/sys/d/" + kept[^1], FileAccess.Read);
        _tree.Remove("/sys/d");
        Expect.Errno(Errno.ENODEV, () => file.ReadAllText());
    }

    [Fact]
    public void OwnedAttribute_CallsTheSharedCallbacksWithItsOwner_AndChecksTheMode()
    {
        _tree.EnsureDirectory("/sys/o");
        var first = new List<string>();
        var second = new List<string>();

        // Malformed first: a writable mode without a store is EINVAL and adds nothing.
        Expect.Errno(Errno.EINVAL, () => _tree.AddAttribute("/sys/o/bad", SysfsModes.ReadWrite, first, static l => "x\n", null));
        _tree.Exists("/sys/o/bad").Should().BeFalse();

        _tree.AddAttribute("/sys/o/one", SysfsModes.ReadWrite, first, static l => l.Count + "\n", static (l, text) => l.Add(text));
        _tree.AddAttribute("/sys/o/two", SysfsModes.ReadWrite, second, static l => l.Count + "\n", static (l, text) => l.Add(text));
        _tree.Write("/sys/o/one", "a");
        _tree.Write("/sys/o/one", "b");
        _tree.Write("/sys/o/two", "c");

        first.Should().Equal("a", "b");
        second.Should().Equal("c");
        _tree.Read("/sys/o/one").Should().Be("2\n");
        _tree.Read("/sys/o/two").Should().Be("1\n");
    }
}
