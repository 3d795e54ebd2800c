using Mdev.Core.Sysfs;

namespace Mdev.Core;

public sealed partial class MdevCore
{
    /// <summary>Guards the <c>/sys/module/&lt;module&gt;</c> directories: their creation, their driver links and their removal once empty.</summary>
    private readonly Lock _moduleLock = new();

    /// <summary>
    /// <c>module_add_driver</c> (drivers/base/module.c, 6.12): the driver directory's <c>module</c> link to
    /// <c>/sys/module/&lt;module&gt;</c> and the module's <c>drivers/&lt;bus&gt;:&lt;driver&gt;</c> link back. The kernel
    /// makes them for a modular driver (and a built-in one with <c>mod_name</c>); every driver the model has is one.
    /// </summary>
    /// <param name="bus">The bus name.</param>
    /// <param name="driver">The driver name.</param>
    /// <param name="module">The module name.</param>
    private void AddModuleLinks(string bus, string driver, string module)
    {
        if (!SysfsPath.IsValidName(module))
        {
            return;
        }

        var moduleDir = "/sys/module/" + module;
        var driverDir = $"/sys/bus/{bus}/drivers/{driver}";
        lock (_moduleLock)
        {
            Sysfs.EnsureDirectory(moduleDir + "/drivers");
            if (!Sysfs.Exists(driverDir + "/module"))
            {
                Sysfs.AddLink(driverDir + "/module", moduleDir);
            }

            var back = $"{moduleDir}/drivers/{bus}:{driver}";
            if (!Sysfs.Exists(back))
            {
                Sysfs.AddLink(back, driverDir);
            }
        }
    }

    /// <summary>
    /// <c>module_remove_driver</c>: both links go; the module's directory goes with its last driver (the model unloads
    /// a module when nothing of it is registered any more).
    /// </summary>
    /// <param name="bus">The bus name.</param>
    /// <param name="driver">The driver name.</param>
    /// <param name="module">The module name.</param>
    private void RemoveModuleLinks(string bus, string driver, string module)
    {
        if (!SysfsPath.IsValidName(module))
        {
            return;
        }

        var moduleDir = "/sys/module/" + module;
        lock (_moduleLock)
        {
            Sysfs.TryRemove($"/sys/bus/{bus}/drivers/{driver}/module");
            Sysfs.TryRemove($"{moduleDir}/drivers/{bus}:{driver}");
            if (Sysfs.Exists(moduleDir + "/drivers") && Sysfs.ReadDirectory(moduleDir + "/drivers").Count == 0)
            {
                Sysfs.TryRemove(moduleDir);
            }
        }
    }
}
