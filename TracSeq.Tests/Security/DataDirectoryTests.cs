using TracSeq.AppHost.Hosting;

namespace TracSeq.Tests.Security;

/// <summary>No AppHost needed: which folder would keep local PostgreSQL (run as postgres) from its data.</summary>
public sealed class DataDirectoryTests
{
    private const UnixFileMode Open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                      UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void A_data_directory_inside_a_mktemp_folder_names_that_folder()
    {
        var modes = new Dictionary<string, UnixFileMode> { ["/"] = Open, ["/tmp"] = Open, ["/tmp/tmp.Xy12"] = Private, ["/tmp/tmp.Xy12/data"] = Open };
        DataDirectoryAccess.FirstBlockedFolder("/tmp/tmp.Xy12/data", f => modes[f]).ShouldBe("/tmp/tmp.Xy12");
    }

    [Fact]
    public void A_reachable_data_directory_passes()
    {
        DataDirectoryAccess.FirstBlockedFolder("/var/tmp/tracseq", _ => Open).ShouldBeNull();
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // local mode runs Linux servers only
    public void A_real_private_folder_stops_the_AppHost_with_one_message_when_run_as_root()
    {
        var parent = Directory.CreateTempSubdirectory("tracseq-private-");
        try
        {
            File.SetUnixFileMode(parent.FullName, Private);
            var data = Path.Combine(parent.FullName, "data");
            if (Environment.IsPrivilegedProcess)
            {
                var refused = Should.Throw<DistributedApplicationException>(() => DataDirectoryAccess.EnsureReachableByPostgres(data));
                refused.Message.ShouldContain(parent.FullName);
                refused.Message.ShouldContain("chmod o+x");
            }
            else
            {
                // Not root: PostgreSQL runs as this user, who can enter the folder; nothing to refuse.
                Should.NotThrow(() => DataDirectoryAccess.EnsureReachableByPostgres(data));
            }
        }
        finally
        {
            parent.Delete(recursive: true);
        }
    }
}
