namespace Argus.IntegrationTests.Infrastructure;

/// <summary>Finds <c>../shared/data</c> beside the repository root.</summary>
public static class SharedData
{
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Argus.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Argus.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    public static string PathOf(params string[] parts)
    {
        var path = Path.Combine([Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data")), .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"Test data '{path}' is missing: the shared data folder must sit beside the repository.");
        }

        return path;
    }
}
