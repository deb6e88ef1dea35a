namespace TracSeq.Contracts.Internal;

/// <summary>
/// <c>POST /internal/projects/of-samples</c>: Sequencing asks Samples which project each of some samples is in, to file
/// libraries made before projects existed (each library belongs to its sample's project).
/// </summary>
public sealed record SampleProjectsRequest(IReadOnlyList<Guid> SampleIds)
{
    public const string Path = "/internal/projects/of-samples";

    /// <summary>The most sample ids one call may carry; the work Samples does is one indexed lookup per id.</summary>
    public const int MaxSampleIds = 1_000;
}

/// <summary>One sample's project. Samples it does not know are left out of the answer.</summary>
public sealed record SampleProject(Guid SampleId, Guid ProjectId);
