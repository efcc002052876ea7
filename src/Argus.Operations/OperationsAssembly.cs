namespace Argus.Operations;

/// <summary>Marks the assembly of Argus's use cases (alerting, incident reports, notifications).</summary>
public static class OperationsAssembly
{
}
