namespace Mdev.Testing;

/// <summary>
/// A vendor driver broke the contract: thrown by a check of <see cref="VendorDriverContractRunner"/> (and by the
/// harness's expectations such as <see cref="VmmSession.ExpectNoIrqAsync"/>), with what was expected and what came.
/// Any test framework reports it as a failure; it carries no framework type.
/// </summary>
public sealed class ContractViolationException : Exception
{
    /// <summary>Initializes a new instance with no message.</summary>
    public ContractViolationException()
    {
    }

    /// <summary>Initializes a new instance saying what was broken.</summary>
    /// <param name="message">What was expected and what came.</param>
    public ContractViolationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance saying what was broken and the device error behind it.</summary>
    /// <param name="message">What was expected and what came.</param>
    /// <param name="innerException">The error the driver answered with (often an <c>MdevException</c> with its errno).</param>
    public ContractViolationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
