using System.Globalization;
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
    public void A_mebibyte_of_bad_index_rows_keeps_no_row_and_builds_no_message_past_the_first_100()
    {
        // Every line used to be kept as split, trimmed cells and every error got its message: 167 MB for this file.
        var builder = new StringBuilder(Head).Append("[Indices]\nName\tSequence\tIndexReadNumber\n");
        var rows = 0;
        for (; builder.Length < IlluminaKitFile.MaxBytes - 16; rows++)
        {
            builder.Append("X\tN\t1\n"); // 'N' is not a base, and every X after the first is a name used twice
        }
        var text = builder.ToString();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = IlluminaKitFile.Parse(text);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A Sequence error per row, a Name error per row but the first, and the kit's two (no wells, no valid index).
        result.TotalErrors.ShouldBe(2 * rows - 1 + 2);
        result.Errors.Count.ShouldBe(IlluminaKitFile.MaxErrors);
        allocated.ShouldBeLessThan(1024L * 1024); // ~175,000 rows: a few bytes a row at most
    }

    [Fact]
    public void An_error_found_after_the_rows_but_earlier_in_the_file_is_listed_before_them()
    {
        // The strategy is checked once the whole file is read; it is on line 3, so it comes first and the 100th row error
        // makes way for it.
        var text = new StringBuilder("[IndexKit]\nName\tKit\nIndexStrategy\tDualish\n[Indices]\nName\tSequence\tIndexReadNumber\n");
        for (var i = 0; i < 150; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"X{i}\tN\t1\n");
        }

        var result = IlluminaKitFile.Parse(text.ToString());

        result.TotalErrors.ShouldBe(151);
        result.Errors.Count.ShouldBe(IlluminaKitFile.MaxErrors);
        result.Errors[0].ShouldBe(new KitError(3, "IndexStrategy", "IndexStrategy is SingleOnly, DualOnly, NoIndex or All, not 'Dualish'."));
        result.Errors[1].ShouldBe(new KitError(6, "Sequence", "'N' in N is not a base: an index has only A, C, G and T."));
        result.Errors[^1].Line.ShouldBe(6 + 98);
    }

    [Fact]
    public void Rows_of_an_unknown_section_are_skipped_without_being_kept()
    {
        var builder = new StringBuilder(Head).Append("A01\tFixedIndexPosition\tstring\tD7-01-D5-01\n")
            .Append("[Indices]\nName\tSequence\tIndexReadNumber\nD7-01\tATTACTCG\t1\nD5-01\tAGGCTATA\t2\n[LabNotes]\n");
        while (builder.Length < IlluminaKitFile.MaxBytes - 16)
        {
            builder.Append("note\tsomething\n");
        }
        var text = builder.ToString();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = IlluminaKitFile.Parse(text);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        result.Errors.ShouldBeEmpty();
        // Names may contain '-': the well's value is split at the dash that leaves an i7 and an i5 of the kit.
        result.Kit.ShouldNotBeNull().Wells.ShouldBe([new KitWell("A01", "D7-01", "D5-01")]);
        allocated.ShouldBeLessThan(1024L * 1024);
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
        var text = "[IndexKit]\nName\tKit\nDisplayName\tBad\u0000Name\nIndexStrategy\tSingleOnly\n" +
            "[Indices]\nName\tSequence\tIndexReadNumber\nD701\tATTACTCG\t1\n";

        var result = IlluminaKitFile.Parse(text);

        result.Ok.ShouldBeFalse();
        result.Errors.ShouldContain(e => e.Line == 3 && e.Message.Contains("control character"));
    }
}
