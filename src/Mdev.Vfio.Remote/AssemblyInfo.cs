using System.Runtime.Versioning;

// An LD_PRELOAD library, SCM_RIGHTS, eventfd and process_vm_readv: the whole package needs Linux.
[assembly: SupportedOSPlatform("linux")]
