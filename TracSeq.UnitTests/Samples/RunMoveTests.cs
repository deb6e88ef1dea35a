using TracSeq.Samples.Sequencing;
using static TracSeq.Contracts.SampleStatus;

namespace TracSeq.UnitTests.Samples;

/// <summary>Which samples a run's status change leaves alone: a top-up run must be able to start, complete and fail.</summary>
public sealed class RunMoveTests
{
    [Theory]
    [InlineData(InSequencing, InSequencing, true)]
    [InlineData(Completed, InSequencing, true)]   // a top-up run starts after the first run completed
    [InlineData(Completed, Completed, true)]
    [InlineData(Completed, Failed, true)]          // a failed top-up does not undo the first run
    [InlineData(InStorage, InSequencing, false)]
    [InlineData(Validated, InSequencing, false)]
    [InlineData(InSequencing, Completed, false)]
    [InlineData(InSequencing, Failed, false)]
    [InlineData(Archived, InSequencing, false)]    // refused by the lifecycle, as before
    public void A_sample_is_left_alone_when_it_is_already_where_the_run_takes_it(string status, string to, bool left) =>
        SequencingInternalApi.AlreadyThere(status, to).ShouldBe(left);
}
