using TracSeq.Samples.Lifecycle;
using static TracSeq.Contracts.SampleStatus;

namespace TracSeq.UnitTests.Samples;

public class SampleStatusMachineTests
{
    [Theory]
    [InlineData(Pending, Received)]
    [InlineData(Validated, InSequencing)]
    [InlineData(InSequencing, Completed)]
    [InlineData(Failed, Pending)]
    public void A_move_on_the_lab_path_is_allowed(string from, string to) => SampleStatusMachine.CanMove(from, to).ShouldBeTrue();

    [Theory]
    [InlineData(Pending, InStorage)]
    [InlineData(Archived, Pending)]
    [InlineData(Discarded, Pending)]
    [InlineData(Completed, InSequencing)]
    public void A_move_off_the_lab_path_is_refused(string from, string to) => SampleStatusMachine.CanMove(from, to).ShouldBeFalse();

    [Fact]
    public void Placing_a_validated_sample_stores_it_and_an_unreceived_one_cannot_be_placed()
    {
        SampleStatusMachine.StatusAfterPlacement(Validated).ShouldBe(InStorage);
        SampleStatusMachine.StatusAfterPlacement(Received).ShouldBe(Received);
        SampleStatusMachine.StatusAfterPlacement(Pending).ShouldBeNull();
    }

    [Theory]
    [InlineData(Received, Received)]
    [InlineData(Validated, InStorage)]
    [InlineData(InStorage, InStorage)]
    [InlineData(InSequencing, InSequencing)]
    [InlineData(Completed, Completed)]
    [InlineData(Archived, Archived)]
    [InlineData(Rejected, Rejected)]
    [InlineData(Failed, Failed)]
    [InlineData(Pending, null)]
    [InlineData(Discarded, null)]
    public void Placing_keeps_the_status_except_that_validated_becomes_in_storage(string status, string? after) =>
        SampleStatusMachine.StatusAfterPlacement(status).ShouldBe(after);

    [Theory]
    [InlineData("lab_technician", Received, true)]
    [InlineData("principal_investigator", Rejected, true)]
    [InlineData("research_scientist", Received, false)]
    [InlineData("guest", Received, false)]
    [InlineData("lab_technician", Discarded, false)]
    [InlineData("principal_investigator", Discarded, false)]
    [InlineData("lab_administrator", Discarded, true)]
    public void Technicians_move_samples_and_only_administrators_discard(string role, string to, bool may) =>
        SampleStatusMachine.MayMove(role, to).ShouldBe(may);

    [Fact]
    public void The_machine_allows_exactly_the_shared_lifecycle() =>
        SampleStatusMachine.AllMoves.ShouldBe(TracSeq.Contracts.SampleLifecycle.AllMoves, ignoreOrder: true);
}
