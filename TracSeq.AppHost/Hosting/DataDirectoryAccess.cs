namespace TracSeq.AppHost.Hosting;

/// <summary>
/// Run as root, local mode starts PostgreSQL as the <c>postgres</c> user (it refuses to run as root), which must be
/// able to pass through every folder above its data. A folder made by <c>mktemp -d</c> is mode 700: PostgreSQL would
/// fail to start and the AppHost wait for it forever. Found before anything starts, with one message saying what to do.
/// </summary>
public static class DataDirectoryAccess
{
    /// <summary>The first folder from the root down to <paramref name="dataDirectory"/> that others cannot enter, or null.</summary>
    public static string? FirstBlockedFolder(string dataDirectory, Func<string, UnixFileMode> modeOf)
    {
        var folders = new List<string>();
        for (var folder = Path.GetFullPath(dataDirectory); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            folders.Add(folder);
        }
        folders.Reverse();
        return folders.FirstOrDefault(f => (modeOf(f) & UnixFileMode.OtherExecute) == 0);
    }

    public static void EnsureReachableByPostgres(string dataDirectory)
    {
        if (OperatingSystem.IsWindows() || !Environment.IsPrivilegedProcess)
        {
            return; // not root: the servers run as this user, who made the folder
        }
        if (FirstBlockedFolder(dataDirectory, File.GetUnixFileMode) is { } blocked)
        {
            throw new DistributedApplicationException(
                $"TracSeq:DataDirectory '{dataDirectory}' is inside '{blocked}', which the postgres user cannot enter " +
                $"(local PostgreSQL runs as postgres). Run 'chmod o+x {blocked}' or choose a data directory outside it " +
                "(e.g. under /var/tmp).");
        }
    }
}
