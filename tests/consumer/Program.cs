// The packed Mdev.Core and Mdev.Vfio as a user gets them: the assemblies must be the packed version, the README's
// driver must register, and the simulated sysfs must show its type. Exit 0 and "consumer: ok" on success.
using System.Reflection;
using Mdev.Core;
using Mdev.Vfio;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Mdev.Consumer EXPECTED-PACKAGE-VERSION");
    return 2;
}

foreach (var assembly in new[] { typeof(MdevCore).Assembly, typeof(VfioModule).Assembly })
{
    // InformationalVersion is "VERSION+COMMIT" under SourceLink.
    var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
    if (version.Split('+')[0] != args[0])
    {
        Console.Error.WriteLine($"consumer: {assembly.GetName().Name} is version '{version}', not the packed {args[0]}");
        return 1;
    }
}

await using var core = new MdevCore();
_ = new VfioModule(core); // the VFIO stack, as a host sets it up
MyDriver.Register(core);
var available = core.Sysfs.Read("/sys/class/mdev_bus/mydrv/mdev_supported_types/mydrv-1/available_instances");
if (available != "4\n")
{
    Console.Error.WriteLine($"consumer: available_instances is '{available}', not \"4\\n\"");
    return 1;
}

Console.WriteLine("consumer: ok");
return 0;
