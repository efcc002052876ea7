namespace Argus.IntegrationTests.Infrastructure;

/// <summary>
/// A data folder of a test's own, for tests that restart servers on the same folder or prepare files in it before the
/// first start; deleted (best effort) when disposed.
/// </summary>
public sealed class TestDataFolder : IDisposable
{
    /// <summary>The folder's path, under the temporary folder; not created until a server or the test creates it.</summary>
    public string Path { get; } = NewPath();

    /// <summary>A fresh path under the temporary folder's <c>argus-tests</c>.</summary>
    public static string NewPath() => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "argus-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => ArgusTestServer.TryDelete(Path);
}
