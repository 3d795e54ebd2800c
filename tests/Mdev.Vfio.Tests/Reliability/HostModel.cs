namespace Mdev.Vfio.Tests.Reliability;

/// <summary>
/// The reference model: which of the six UUIDs are live with which IOMMU group id (the smallest free at create), which
/// are held open by a VMM, and what every step must answer.
/// </summary>
internal sealed class HostModel
{
    public SortedDictionary<int, int> Live { get; } = [];

    public HashSet<int> Open { get; } = [];

    public List<string> Answers { get; } = [];

    public void Answer(string what, Core.Errno errno) => Answers.Add(what + "=" + errno);

    public int SmallestFreeGroup()
    {
        int id = 0;
        while (Live.ContainsValue(id))
        {
            id++;
        }

        return id;
    }

    public override string ToString() => $"live [{string.Join(' ', Live.Select(kv => $"{kv.Key}:{kv.Value}"))}] open [{string.Join(' ', Open)}]";
}
