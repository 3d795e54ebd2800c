// The interop tests mount FUSE filesystems and start `unshare -m` namespaces, which copy every mount live at that
// moment (other tests' included): run the classes one at a time, as Mdev.Fuse.Tests does.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
