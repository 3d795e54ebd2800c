using System.Runtime.Versioning;

// libfuse3, /dev/fuse and fusermount3: the whole package needs Linux (consumers get CA1416 elsewhere).
[assembly: SupportedOSPlatform("linux")]
