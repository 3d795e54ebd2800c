namespace Mdev.Testing;

/// <summary>One named check of the vendor-driver contract: run it and it throws <see cref="ContractViolationException"/> when the driver breaks it.</summary>
public sealed class ContractCheck
{
    private readonly Func<Task> run;

    internal ContractCheck(string name, Func<Task> run)
    {
        Name = name;
        this.run = run;
    }

    /// <summary>Gets the check's name (the name of the runner method that performs it, e.g. <c>RegionInfo_IsSane</c>).</summary>
    public string Name { get; }

    /// <summary>Runs the check on a fresh host.</summary>
    /// <returns>A task that completes when the check passed.</returns>
    /// <exception cref="ContractViolationException">The driver broke this part of the contract.</exception>
    public Task RunAsync() => run();

    /// <summary>Returns the check's name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;
}
