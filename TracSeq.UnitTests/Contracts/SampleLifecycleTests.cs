using TracSeq.Contracts;

namespace TracSeq.UnitTests.Contracts;

/// <summary>Every (from, to) pair of the ten statuses against the lifecycle as written out in <see cref="LifecycleContract"/>.</summary>
public class SampleLifecycleTests
{
    private static readonly IReadOnlyDictionary<string, string[]> Expected = LifecycleContract.Moves;

    public static TheoryData<string, string> EveryPair()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in Expected.Keys)
        {
            foreach (var to in Expected.Keys)
            {
                data.Add(from, to);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void A_move_is_allowed_exactly_when_the_lifecycle_lists_it(string from, string to) =>
        SampleLifecycle.CanMove(from, to).ShouldBe(Expected[from].Contains(to), $"{from} → {to}");

    [Fact]
    public void The_statuses_are_the_ten_wire_values() =>
        SampleStatus.All.ShouldBe(Expected.Keys, ignoreOrder: true);

    [Fact]
    public void All_moves_lists_each_allowed_pair_once() =>
        SampleLifecycle.AllMoves.ShouldBe(Expected.SelectMany(e => e.Value.Select(to => (e.Key, to))), ignoreOrder: true);

    [Theory]
    [InlineData("rejected", true)]
    [InlineData("failed", true)]
    [InlineData("discarded", true)]
    [InlineData("received", false)]
    [InlineData("pending", false)]
    [InlineData("archived", false)]
    public void Leaving_the_normal_path_needs_a_reason(string to, bool needsReason) =>
        SampleLifecycle.NeedsReason(to).ShouldBe(needsReason);

    [Theory]
    [InlineData("shipped")]
    [InlineData("")]
    [InlineData("PENDING")]
    public void An_unknown_status_goes_nowhere(string from)
    {
        SampleLifecycle.AllowedMoves(from).ShouldBeEmpty();
        SampleStatus.IsKnown(from).ShouldBeFalse();
    }
}
