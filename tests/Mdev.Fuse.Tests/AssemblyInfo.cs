// Every test here mounts FUSE filesystems and starts `unshare -m` namespaces, which copy every mount that is live at
// that moment (other tests' included) and keep it alive: run the classes one at a time so none outlives its test.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
