namespace Argus.Server.Configuration;

/// <summary>
/// The data folder holds raw, unmasked telemetry, the control plane and the Data Protection key ring, so it is
/// created for its owner alone (0700); one an earlier Argus left open to others is closed at start.
/// </summary>
internal static class DataFolder
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Ensure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var existed = Directory.Exists(path);
        Directory.CreateDirectory(path, OwnerOnly);
        if (existed && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }
}
