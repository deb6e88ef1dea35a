using System.Text;
using TracSeq.Sequencing.Kits;

namespace TracSeq.UnitTests.Sequencing;

/// <summary>M1 (issue 24): what a worst-case kit file costs to parse, and that the parse can be stopped.</summary>
public class KitFileBoundsTests
{
    private const string Head = "[IndexKit]\nName\tWorstCase\nIndexStrategy\tDualOnly\n[Resources]\nName\tType\tFormat\tValue\nFixedLayout\tbool\t\ttrue\n";

    [Fact]
    public void A_well_naming_a_value_of_tens_of_thousands_of_dashes_costs_linear_memory()
    {
        // Each dash used to be tried by cutting the value in two: ~L² characters (80,000 dashes → 6.4 GB).
        var dashes = "D701" + new string('-', 30_000);
        var text = Head + $"A01\tFixedIndexPosition\tstring\t{dashes}\n[Indices]\nName\tSequence\tIndexReadNumber\nD701\tATTACTCG\t1\nD501\tAGGCTATA\t2\n";

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = IlluminaKitFile.Parse(text);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        result.Ok.ShouldBeFalse();
        var error = result.Errors.Single(e => e.Field == "FixedIndexPosition");
        error.Message.Length.ShouldBeLessThan(200); // the value is quoted shortened, not whole
        allocated.ShouldBeLessThan(10L * text.Length * sizeof(char));
    }

    [Fact]
    public void A_file_of_bad_rows_lists_the_first_100_errors_in_file_order_and_counts_all()
    {
        var text = new StringBuilder(Head).Append("[Indices]\nName\tSequence\tIndexReadNumber\n");
        const int rows = 100_000;
        for (var i = 0; i < rows; i++)
        {
            text.Append("X\tN\t1\n"); // a sequence that is not bases
        }
        var firstRow = Head.Count(c => c == '\n') + 3;

        var result = IlluminaKitFile.Parse(text.ToString());

        result.Ok.ShouldBeFalse();
        result.Errors.Count.ShouldBe(IlluminaKitFile.MaxErrors);
        result.TotalErrors.ShouldBeGreaterThanOrEqualTo(rows);
        result.Errors.Select(e => e.Line ?? 0).ShouldBeInOrder();
        result.Errors.ShouldContain(e => e.Line == firstRow && e.Field == "Sequence");
        result.Errors[^1].Line!.Value.ShouldBeLessThan(firstRow + 100); // the earliest rows, not whichever were found last
    }

    [Fact]
    public void A_cancelled_request_stops_the_parse()
    {
        var text = new StringBuilder(Head).Append("[SupportedLibraryPrepKits]\n");
        for (var i = 0; i < 10_000; i++)
        {
            text.Append("Kit\n");
        }
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Should.Throw<OperationCanceledException>(() => IlluminaKitFile.Parse(text.ToString(), cancelled.Token));
    }
}

/// <summary>L2 (issue 24): control characters in names never reach the database.</summary>
public class KitNameControlCharacterTests
{
    [Theory]
    [InlineData("Kit\u0000A")]
    [InlineData("Kit\u0007")]
    [InlineData("Kit\tA")]
    public void Kit_and_index_names_with_control_characters_are_refused(string name)
    {
        IndexKitRules.KitName(name).ShouldNotBeNull();
        IndexKitRules.IndexName(name).ShouldNotBeNull();
        IndexKitRules.KitName("Kit A").ShouldBeNull();
    }

    [Fact]
    public void A_kit_file_line_with_a_nul_is_an_error_on_that_line()
    {
        var text = "[IndexKit]\nName\tKit\nDisplayName\tBad\u0000Name\nIndexStrategy\tSingleOnly\n[Indices]\nName\tSequence\tIndexReadNumber\nD701\tATTACTCG\t1\n";

        var result = IlluminaKitFile.Parse(text);

        result.Ok.ShouldBeFalse();
        result.Errors.ShouldContain(e => e.Line == 3 && e.Message.Contains("control character"));
    }
}
