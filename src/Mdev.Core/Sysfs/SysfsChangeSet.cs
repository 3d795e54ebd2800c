namespace Mdev.Core.Sysfs;

/// <summary>Records the nodes one kernel operation adds so that a failure can take every one of them away again.</summary>
internal sealed class SysfsChangeSet(SysfsTree tree)
{
    private readonly List<string> _created = [];
    private List<(string Directory, SysfsTemplate Template)>? _templates;

    public void Directory(string path)
    {
        tree.AddDirectory(path);
        _created.Add(path);
    }

    public void Attribute(string path, UnixFileMode mode, Func<string>? show, Action<string>? store)
    {
        tree.AddAttribute(path, mode, show, store);
        _created.Add(path);
    }

    /// <summary>An attribute of <paramref name="owner"/> with callbacks shared by its kind (see <see cref="SysfsTree.AddAttribute{TOwner}"/>).</summary>
    public void Attribute<TOwner>(string path, UnixFileMode mode, TOwner owner, Func<TOwner, string>? show, Action<TOwner, string>? store, int? binarySize = null)
        where TOwner : class
    {
        tree.AddAttribute(path, mode, owner, show, store, binarySize);
        _created.Add(path);
    }

    public void Link(string path, string target)
    {
        tree.AddLink(path, target);
        _created.Add(path);
    }

    /// <summary>The entries of <paramref name="template"/> in <paramref name="directory"/> (see <see cref="SysfsTree.AddTemplate"/>).</summary>
    public void Template(string directory, SysfsTemplate template, object owner)
    {
        tree.AddTemplate(directory, template, owner);
        (_templates ??= []).Add((directory, template));
    }

    /// <summary>A directory named by a string the caller holds anyway (see <see cref="SysfsTree.AddDirectory(string, string)"/>).</summary>
    public void Directory(string path, string name)
    {
        tree.AddDirectory(path, name);
        _created.Add(path);
    }

    /// <summary>A link named by a string the caller holds anyway (see <see cref="SysfsTree.AddLink(string, string, string)"/>).</summary>
    public void Link(string path, string target, string name)
    {
        tree.AddLink(path, target, name);
        _created.Add(path);
    }

    /// <summary>Adds the attribute groups of <paramref name="owner"/> below <paramref name="directory"/>.</summary>
    public void Groups<TOwner>(string directory, IReadOnlyList<AttributeGroup<TOwner>> groups, TOwner owner)
        where TOwner : class
    {
        foreach (var group in groups)
        {
            var dir = directory;
            if (group.Name is not null)
            {
                dir = SysfsPath.Combine(directory, group.Name);
                Directory(dir);
            }

            foreach (var attribute in group.Attributes)
            {
                Attribute(SysfsPath.Combine(dir, attribute.Name), attribute.Mode, owner, attribute.Show, attribute.Store, attribute.BinarySize);
            }
        }
    }

    /// <summary>Removes, newest first, everything this change set added.</summary>
    public void Rollback()
    {
        // Template entries first: they sit in directories this set created or that existed before it.
        if (_templates is not null)
        {
            for (int i = _templates.Count - 1; i >= 0; i--)
            {
                tree.RemoveTemplate(_templates[i].Directory, _templates[i].Template);
            }

            _templates = null;
        }

        for (int i = _created.Count - 1; i >= 0; i--)
        {
            tree.TryRemove(_created[i]);
        }

        _created.Clear();
    }
}
