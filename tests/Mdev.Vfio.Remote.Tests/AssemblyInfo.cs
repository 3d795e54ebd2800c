// The QEMU tests mount FUSE filesystems and boot guests; the machine has two cores: one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
