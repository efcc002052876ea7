namespace Argus.Operations;

/// <summary>Options of a use case that list their own problems, checked as a whole at start-up by the composition root.</summary>
public interface IStartupValidatedOptions
{
    /// <summary>Every problem of the options, as start-up messages; none when they are valid.</summary>
    IEnumerable<string> Validate();
}
