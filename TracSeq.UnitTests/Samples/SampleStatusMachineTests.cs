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
}
