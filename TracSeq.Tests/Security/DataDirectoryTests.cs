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

    /// <summary>
    /// The check above is only useful if the AppHost makes it: started (as root) with such a data directory, the AppHost
    /// itself stops with the message before it builds anything, instead of waiting forever for a PostgreSQL that cannot
    /// reach its folder.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_AppHost_in_local_mode_refuses_a_data_directory_inside_a_private_folder_before_building_anything()
    {
        var parent = Directory.CreateTempSubdirectory("tracseq-private-");
        try
        {
            File.SetUnixFileMode(parent.FullName, Private);
            var data = Path.Combine(parent.FullName, "data");
            string[] args = ["--TracSeq:Infrastructure=local", $"--TracSeq:DataDirectory={data}"];
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // a refusal comes at once; never hang
            if (Environment.IsPrivilegedProcess)
            {
                var thrown = await Should.ThrowAsync<Exception>(async () =>
                {
                    await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(args, timeout.Token);
                });
                var refused = Chain(thrown).OfType<DistributedApplicationException>().FirstOrDefault();
                refused.ShouldNotBeNull($"expected the data-directory refusal, got: {thrown}");
                refused.Message.ShouldContain(parent.FullName);
                refused.Message.ShouldContain("chmod o+x");
            }
            else
            {
                // Not root: PostgreSQL runs as this user, who can enter the folder; the model builds.
                await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(args, timeout.Token);
            }
        }
        finally
        {
            parent.Delete(recursive: true);
        }
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }
}
