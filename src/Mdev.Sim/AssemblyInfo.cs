using System.Runtime.Versioning;

// FUSE mounts, mount namespaces (unshare) and the preload library: mdev-sim runs on Linux only.
[assembly: SupportedOSPlatform("linux")]
