namespace TracSeq.ServiceTests.Infrastructure;

public static class RepositoryPaths
{
    /// <summary>The folder holding TracSeq.sln, found upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Illumina index kit files in the real format (shared with the unit tests of the kit parser).</summary>
    public static string SequencingKits => Path.Combine(Root, "TracSeq.UnitTests", "Sequencing", "Kits");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TracSeq.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("TracSeq.sln not found above " + AppContext.BaseDirectory);
    }
}
