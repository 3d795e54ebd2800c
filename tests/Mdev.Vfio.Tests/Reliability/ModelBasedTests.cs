using CsCheck;
using Mdev.Core;
using Xunit.Abstractions;

namespace Mdev.Vfio.Tests.Reliability;

/// <summary>
/// Model-based random testing of the core and VFIO with CsCheck: random sequences of creates (typed and sysfs text),
/// removes, VMM opens and closes, and malformed writes, run against <see cref="SimulatedHost"/> and the small
/// <see cref="HostModel"/>. Every step's errno and group id must match the model and every invariant must hold after
/// every step; a failure is shrunk to the shortest sequence and reported with its seed.
/// </summary>
/// <remarks>
/// At least <see cref="DefaultOperations"/> operations per run. <c>MDEV_MBT_OPERATIONS=N</c> runs longer;
/// <c>MDEV_MBT_SEED=&lt;seed&gt;</c> replays the seed a failure printed (CsCheck prints it with the shrunk case).
/// </remarks>
public sealed class ModelBasedTests(ITestOutputHelper output)
{
    private const long DefaultOperations = 100_000;

    private static long s_operations;

    private static readonly Gen<int> Index = Gen.Int[0, SimulatedHost.Uuids.Length - 1];

    [Fact]
    public void RandomOperationSequences_MatchTheModel_AndKeepEveryInvariant()
    {
        long target = long.TryParse(Environment.GetEnvironmentVariable("MDEV_MBT_OPERATIONS"), out var n) && n > 0 ? n : DefaultOperations;
        var seed = Environment.GetEnvironmentVariable("MDEV_MBT_SEED") is { Length: > 0 } s ? s : null;
        output.WriteLine(seed is null
            ? "model-based: random seed (a failure prints the seed to replay with MDEV_MBT_SEED)"
            : $"model-based: seed {seed}");
        Interlocked.Exchange(ref s_operations, 0);
        var initial = Gen.Const(() => (new SimulatedHost(), new HostModel()));
        var operations = Operations();
        while (Interlocked.Read(ref s_operations) < target)
        {
            initial.SampleModelBased(
                operations,
                equal: (actual, model) => actual.Answers.SequenceEqual(model.Answers) && actual.Open.Keys.Order().SequenceEqual(model.Open.Order()),
                seed: seed,
                iter: 500,
                printActual: a => a + " answers " + string.Join(' ', a.Answers),
                printModel: m => m + " answers " + string.Join(' ', m.Answers));
            if (seed is not null)
            {
                break;
            }
        }

        output.WriteLine($"model-based: {Interlocked.Read(ref s_operations)} operations");
        Interlocked.Read(ref s_operations).Should().BeGreaterThanOrEqualTo(seed is null ? target : 1);
    }

    private static GenOperation<SimulatedHost, HostModel>[] Operations() =>
    [
        GenOperation.Create<SimulatedHost, HostModel, int>(Index, i => $"CreateTyped({i})",
            (a, i) => a.Step("create" + i, () => Created(a, i, () => a.Core.CreateMdevDevice(a.Type, SimulatedHost.Uuids[i]))),
            (m, i) => CreateModel(m, i)),
        GenOperation.Create<SimulatedHost, HostModel, (int, bool)>(Gen.Select(Index, Gen.Bool), t => $"CreateSysfs({t.Item1}, upper {t.Item2})",
            (a, t) => a.Step("create" + t.Item1, () => Created(a, t.Item1, () =>
            {
                var text = SimulatedHost.Uuids[t.Item1].ToString("D");
                a.Core.Sysfs.Write(a.Type.SysfsPath + "/create", (t.Item2 ? text.ToUpperInvariant() : text) + "\n");
                return a.Core.FindDevice(SimulatedHost.Uuids[t.Item1])!;
            })),
            (m, t) => CreateModel(m, t.Item1)),
        GenOperation.Create<SimulatedHost, HostModel, (int, bool)>(Gen.Select(Index, Gen.Bool), t => $"Remove({t.Item1}, sysfs {t.Item2})",
            (a, t) =>
            {
                a.CloseFiles(t.Item1);
                a.Step("remove" + t.Item1, () =>
                {
                    Count();
                    if (t.Item2)
                    {
                        a.Core.Sysfs.Write(SimulatedHost.PathOf(t.Item1) + "/remove", "1\n");
                    }
                    else
                    {
                        a.Core.RemoveMdevDevice(SimulatedHost.Uuids[t.Item1]);
                    }
                });
            },
            (m, t) =>
            {
                m.Open.Remove(t.Item1);
                m.Answer("remove" + t.Item1, !m.Live.Remove(t.Item1) ? (t.Item2 ? Errno.ENOENT : Errno.ENODEV) : 0);
            }),
        GenOperation.Create<SimulatedHost, HostModel, int>(Index, i => $"OpenVmm({i})",
            (a, i) => a.Step("open" + i, () =>
            {
                Count();
                var link = a.Core.Sysfs.ReadLink(SimulatedHost.PathOf(i) + "/iommu_group");
                var group = a.Vfio.OpenGroup(int.Parse(Path.GetFileName(link), System.Globalization.CultureInfo.InvariantCulture));
                var container = a.Vfio.OpenContainer();
                group.SetContainer(container);
                container.SetIommu(VfioExtension.Type1v2Iommu);
                a.Open.Add(i, (container, group, group.GetDeviceFile(SimulatedHost.Uuids[i].ToString("D"))));
            }),
            (m, i) => m.Answer("open" + i, !m.Live.ContainsKey(i) ? Errno.ENOENT : !m.Open.Add(i) ? Errno.EBUSY : 0)),
        GenOperation.Create<SimulatedHost, HostModel, int>(Index, i => $"CloseVmm({i})",
            (a, i) => a.Step("close" + i, () =>
            {
                Count();
                a.CloseFiles(i);
            }),
            (m, i) =>
            {
                m.Open.Remove(i);
                m.Answer("close" + i, 0);
            }),
        GenOperation.Create<SimulatedHost, HostModel, string>(Gen.String[Gen.Char["ghijklmnopqrstuvwxyz- \n"], 0, 40], s => $"BadCreate({s.ReplaceLineEndings("\\n")})",
            (a, s) => a.Step("badcreate", () =>
            {
                Count();
                a.Core.Sysfs.Write(a.Type.SysfsPath + "/create", s);
            }),
            (m, s) => m.Answer("badcreate", s.Length == 0 ? 0 : Errno.EINVAL)),
        GenOperation.Create<SimulatedHost, HostModel, (int, string)>(Gen.Select(Index, Gen.String[Gen.Char["ghijklmnopqrstuvwxyz \n"], 1, 8]), t => $"BadRemove({t.Item1}, {t.Item2.ReplaceLineEndings("\\n")})",
            (a, t) => a.Step("badremove" + t.Item1, () =>
            {
                Count();
                a.Core.Sysfs.Write(SimulatedHost.PathOf(t.Item1) + "/remove", t.Item2);
            }),
            (m, t) => m.Answer("badremove" + t.Item1, m.Live.ContainsKey(t.Item1) ? Errno.EINVAL : Errno.ENOENT)),
        GenOperation.Create<SimulatedHost, HostModel, int>(Index, i => $"RemoveZero({i})",
            (a, i) => a.Step("remove0" + i, () =>
            {
                Count();
                a.Core.Sysfs.Write(SimulatedHost.PathOf(i) + "/remove", "0");
            }),
            (m, i) => m.Answer("remove0" + i, m.Live.ContainsKey(i) ? 0 : Errno.ENOENT)),
    ];

    private static void Created(SimulatedHost a, int i, Func<MdevDevice> create)
    {
        Count();
        var mdev = create();
        a.Answers.Add("group" + a.Vfio.FindGroup(mdev)!.Id);
    }

    private static void CreateModel(HostModel m, int i)
    {
        if (m.Live.ContainsKey(i))
        {
            m.Answer("create" + i, Errno.EEXIST);
        }
        else if (m.Live.Count == SimulatedHost.Pool)
        {
            m.Answer("create" + i, Errno.EUSERS);
        }
        else
        {
            int group = m.SmallestFreeGroup();
            m.Live.Add(i, group);
            m.Answers.Add("group" + group);
            m.Answer("create" + i, 0);
        }
    }

    private static void Count() => Interlocked.Increment(ref s_operations);
}
