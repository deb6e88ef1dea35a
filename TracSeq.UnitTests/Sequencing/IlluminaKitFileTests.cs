using TracSeq.Sequencing.Kits;

namespace TracSeq.UnitTests.Sequencing;

public class IlluminaKitFileTests
{
    [Fact]
    public void A_fixed_layout_96_well_udi_plate_is_a_unique_dual_kit_with_every_well_paired()
    {
        var kit = KitFiles.Parse("UdiPlate96.tsv");

        kit.Name.ShouldBe("TracSeqUDIPlateA");
        kit.DisplayName.ShouldBe("TracSeq UD Indexes Plate A (96 Indexes)");
        kit.Version.ShouldBe("1.0.0");
        kit.Strategy.ShouldBe(KitStrategies.UniqueDual);
        kit.FixedLayout.ShouldBeTrue();
        kit.Indices.Count(i => i.Read == 1).ShouldBe(96);
        kit.Indices.Count(i => i.Read == 2).ShouldBe(96);
        kit.Indices.ShouldAllBe(i => i.Sequence.Length == 10);
        kit.Wells.Count.ShouldBe(96);
        kit.Wells[0].ShouldBe(new KitWell("A01", "UDP0001", "UDP0001"));
        kit.Wells[95].ShouldBe(new KitWell("H12", "UDP0096", "UDP0096"));
        kit.Indices[0].ShouldBe(new KitIndex("UDP0001", "CTACCATCAA", 1));
        kit.Indices[96].ShouldBe(new KitIndex("UDP0001", "GTGATGATTG", 2));
        kit.Adapters.ShouldBe(new Dictionary<string, string>
        {
            [KitAdapters.Read1] = "CTGTCTCTTATACACATCT",
            [KitAdapters.Read2] = "CTGTCTCTTATACACATCT",
        });
        kit.SupportedLibraryPrepKits.ShouldBe(["IlluminaDNAPCRFree", "IlluminaDNAPrep"]);
        IndexKitRules.Validate(kit).ShouldBeEmpty();
    }

    [Fact]
    public void A_combinatorial_kit_of_24_i7_and_16_i5_is_dual_without_wells()
    {
        var kit = KitFiles.Parse("Combinatorial24x16.tsv");

        kit.Name.ShouldBe("TracSeqCombinatorial384");
        kit.Strategy.ShouldBe(KitStrategies.Dual);
        kit.FixedLayout.ShouldBeFalse();
        kit.Wells.ShouldBeEmpty();
        kit.Indices.Where(i => i.Read == 1).Select(i => i.Name).ShouldBe(Enumerable.Range(1, 24).Select(n => $"N7{n:D2}"));
        kit.Indices.Where(i => i.Read == 2).Select(i => i.Name).ShouldBe(Enumerable.Range(1, 16).Select(n => $"S5{n:D2}"));
        kit.Indices.ShouldAllBe(i => i.Sequence.Length == 8);
        kit.Adapters[KitAdapters.Read1].ShouldBe("AGATCGGAAGAGCACACGTCTGAACTCCAGTCA");
        kit.Adapters[KitAdapters.Read2].ShouldBe("AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT");
        IndexKitRules.Validate(kit).ShouldBeEmpty();
    }

    [Fact]
    public void A_single_index_kit()
    {
        var kit = KitFiles.Parse("SingleIndex12.tsv");

        kit.Strategy.ShouldBe(KitStrategies.Single);
        kit.Indices.Count.ShouldBe(12);
        kit.Indices.ShouldAllBe(i => i.Read == 1 && i.Sequence.Length == 6);
        kit.SupportedLibraryPrepKits.ShouldBe(["TruSeqSmallRNA"]);
    }

    [Fact]
    public void Every_quirk_of_hand_edited_files_is_accepted()
    {
        // BOM; \r\n, bare \r and \n mixed; trailing tabs; header rows wider than data rows; blank and tab-only lines
        // inside sections; comment lines; lower-case bases; "True"; wells written A1; names containing '-'; unknown
        // keys (Checksum) and an unknown section.
        var kit = KitFiles.Parse("Quirks.tsv");

        kit.Name.ShouldBe("TracSeqQuirkyPlate");
        kit.DisplayName.ShouldBe("TracSeq Quirky Plate (8 pairs)");
        kit.Version.ShouldBe("0.9");
        kit.Strategy.ShouldBe(KitStrategies.UniqueDual);
        kit.FixedLayout.ShouldBeTrue();
        kit.Indices.Count.ShouldBe(16);
        kit.Indices[0].ShouldBe(new KitIndex("Q7-01", "TGGCTATC", 1));
        kit.Wells.Select(w => w.Well).ShouldBe(["A01", "B01", "C01", "D01", "E01", "F01", "G01", "H01"]);
        kit.Wells[7].ShouldBe(new KitWell("H01", "Q7-08", "Q5-08"));
        kit.Adapters.ShouldBe(new Dictionary<string, string> { [KitAdapters.Read1] = "CTGTCTCTTATACACATCT" });
        kit.SupportedLibraryPrepKits.ShouldBe(["QuirkPrep"]);
    }

    [Fact]
    public void The_same_file_with_any_line_ending_parses_to_the_same_kit()
    {
        var lf = KitFiles.Text("Combinatorial24x16.tsv");
        var crlf = lf.Replace("\n", "\r\n", StringComparison.Ordinal);
        var cr = lf.Replace("\n", "\r", StringComparison.Ordinal);

        var expected = IlluminaKitFile.Parse(lf).Kit.ShouldNotBeNull();
        foreach (var text in new[] { crlf, cr, "\uFEFF" + crlf })
        {
            var kit = IlluminaKitFile.Parse(text).Kit.ShouldNotBeNull();
            kit.Indices.ShouldBe(expected.Indices);
            kit.Name.ShouldBe(expected.Name);
        }
    }

    // Each refusal file is the same small kit with one error; the error names its 1-based line.
    [Theory]
    [InlineData("Refuse-NonAcgtBases.tsv", 14, "Sequence", "'N' in TGCANGCA is not a base")]
    [InlineData("Refuse-DuplicateName.tsv", 15, "Name", "The index name R701 is used twice in read 1 (first at line 13)")]
    [InlineData("Refuse-WellOutsidePlate.tsv", 9, "FixedIndexPosition", "'Q02' is not a well of a plate (A01–P24)")]
    [InlineData(
        "Refuse-UnknownIndexInWell.tsv", 9, "FixedIndexPosition", "The well A02 names 'R702-R509', which is not an i7 index or an i7-i5 pair of this kit")]
    [InlineData("Refuse-MissingName.tsv", 2, "Name", "A kit needs a name")]
    public void A_refused_file_names_the_line(string file, int line, string field, string message)
    {
        var result = IlluminaKitFile.Parse(KitFiles.Text(file));

        result.Kit.ShouldBeNull();
        var error = result.Errors.ShouldHaveSingleItem();
        error.Line.ShouldBe(line);
        error.Field.ShouldBe(field);
        error.Message.ShouldStartWith(message);
    }

    [Fact]
    public void A_file_without_indices_is_refused()
    {
        var result = IlluminaKitFile.Parse(KitFiles.Text("Refuse-NoIndices.tsv"));

        result.Kit.ShouldBeNull();
        result.Errors.ShouldBe([new KitError(null, "[Indices]", "The file has no [Indices] section.")]);
    }

    [Theory]
    [InlineData("R702\tTGCATGCA\t3", 14, "IndexReadNumber", "IndexReadNumber is 1 (i7) or 2 (i5), not '3'.")]
    [InlineData("R702\tTGC\t1", 14, "Sequence", "An index has 4 to 24 bases; TGC has 3.")]
    [InlineData("R702\t\t1", 14, "Sequence", "An index needs a sequence.")]
    [InlineData("\tTGCATGCA\t1", 14, "Name", "An index needs a name.")]
    public void A_bad_index_row_names_its_line(string row, int line, string field, string message)
    {
        var lines = KitFiles.Text("Refuse-NonAcgtBases.tsv").Split('\n');
        lines[line - 1] = row;
        lines[8] = "A02\tFixedIndexPosition\tstring\tR701-R502"; // keep the wells off the edited row

        var result = IlluminaKitFile.Parse(string.Join('\n', lines));

        result.Errors.ShouldContain(new KitError(line, field, message));
    }

    [Fact]
    public void Header_and_section_errors_name_their_lines()
    {
        const string text = "stray text\n[IndexKit]\nName\tK\nIndexStrategy\tDualOrSo\n" +
            "[Resources]\nName\tType\tFormat\tValue\nFixedLayout\tFixedLayout\tbool\tyes\n[Indices]\nName\tSeq\tRead\n";

        var result = IlluminaKitFile.Parse(text);

        result.Kit.ShouldBeNull();
        result.Errors.ShouldBe(
        [
            new KitError(1, "file", "Text before the first section: a kit file starts with [IndexKit]."),
            new KitError(7, "FixedLayout", "FixedLayout is true or false, not 'yes'."),
            new KitError(9, "[Indices]", "The first row of [Indices] is its header: Name, Sequence, IndexReadNumber (tab-separated)."),
        ], ignoreOrder: true);
    }

    [Fact]
    public void An_unknown_index_strategy_names_its_line()
    {
        const string text = "[IndexKit]\nName\tK\nIndexStrategy\tDualOrSo\n[Indices]\nName\tSequence\tIndexReadNumber\nA\tACGTACGT\t1\n";

        IlluminaKitFile.Parse(text).Errors
            .ShouldBe([new KitError(3, "IndexStrategy", "IndexStrategy is SingleOnly, DualOnly, NoIndex or All, not 'DualOrSo'.")]);
    }

    [Fact]
    public void A_missing_index_strategy_points_at_the_index_kit_section()
    {
        const string text = "\n[IndexKit]\nName\tK\n[Indices]\nName\tSequence\tIndexReadNumber\nA\tACGTACGT\t1\n";

        IlluminaKitFile.Parse(text).Errors
            .ShouldBe([new KitError(2, "IndexStrategy", "[IndexKit] has no IndexStrategy (SingleOnly, DualOnly, NoIndex or All).")]);
    }

    [Theory]
    [InlineData("SingleOnly", "", KitStrategies.Single)]
    [InlineData("DualOnly", "B\tGGTTCCAA\t2\n", KitStrategies.Dual)]
    [InlineData("All", "B\tGGTTCCAA\t2\n", KitStrategies.All)]
    [InlineData("all", "", KitStrategies.All)]
    public void Illumina_strategies_map_to_ours(string illumina, string extraRows, string expected)
    {
        var text = $"[IndexKit]\nName\tK\nIndexStrategy\t{illumina}\n[Indices]\nName\tSequence\tIndexReadNumber\nA\tACGTACGT\t1\n{extraRows}";

        IlluminaKitFile.Parse(text).Kit.ShouldNotBeNull().Strategy.ShouldBe(expected);
    }

    [Fact]
    public void A_no_index_kit_has_an_empty_indices_section()
    {
        const string text = "[IndexKit]\nName\tAdaptersOnly\nIndexStrategy\tNoIndex\nAdapterRead1\tCTGTCTCTTATACACATCT\n[Indices]\n";

        var kit = IlluminaKitFile.Parse(text).Kit.ShouldNotBeNull();

        kit.Strategy.ShouldBe(KitStrategies.None);
        kit.Indices.ShouldBeEmpty();
        kit.Adapters[KitAdapters.Read1].ShouldBe("CTGTCTCTTATACACATCT");
    }

    [Fact]
    public void A_fixed_dual_plate_that_reuses_an_index_is_dual_not_unique_dual()
    {
        var text = KitFiles.Text("Refuse-NonAcgtBases.tsv").Replace("TGCANGCA", "TGCATGCA", StringComparison.Ordinal)
            .Replace("A02\tFixedIndexPosition\tstring\tR702-R502", "A02\tFixedIndexPosition\tstring\tR702-R501", StringComparison.Ordinal);

        var kit = IlluminaKitFile.Parse(text).Kit.ShouldNotBeNull();

        kit.Strategy.ShouldBe(KitStrategies.Dual);
        kit.Wells.ShouldBe([new KitWell("A01", "R701", "R501"), new KitWell("A02", "R702", "R501")]);
    }

    [Fact]
    public void Kit_level_rules_point_at_the_line_they_concern()
    {
        // SingleOnly with an i5 index; FixedLayout true with no wells; a well given twice.
        const string text = "[IndexKit]\nName\tK\nIndexStrategy\tSingleOnly\n" +
            "[Resources]\nName\tType\tFormat\tValue\nFixedLayout\tFixedLayout\tbool\ttrue\n" +
            "[Indices]\nName\tSequence\tIndexReadNumber\nA\tACGTACGT\t1\nB\tGGTTCCAA\t2\n";

        IlluminaKitFile.Parse(text).Errors.ShouldBe(
        [
            new KitError(3, "IndexStrategy", "A single-index kit has no Index 2 (read 2) indices."),
            new KitError(6, "FixedLayout", "A fixed-layout kit lists its wells."),
        ], ignoreOrder: true);
    }

    [Fact]
    public void A_well_given_twice_names_both_lines()
    {
        var text = KitFiles.Text("Refuse-NonAcgtBases.tsv").Replace("TGCANGCA", "TGCATGCA", StringComparison.Ordinal)
            .Replace("A02\tFixedIndexPosition", "a1\tFixedIndexPosition", StringComparison.Ordinal);

        IlluminaKitFile.Parse(text).Errors.ShouldBe([new KitError(9, "FixedIndexPosition", "The well A01 is given twice (first at line 8).")]);
    }

    [Fact]
    public void A_bad_adapter_names_its_line()
    {
        const string text = "[IndexKit]\nName\tK\nIndexStrategy\tSingleOnly\nAdapterRead1\tCTGTCTCTTAXACACATCT\n" +
            "[Indices]\nName\tSequence\tIndexReadNumber\nA\tACGTACGT\t1\n";

        IlluminaKitFile.Parse(text).Errors
            .ShouldBe([new KitError(4, KitAdapters.Read1, "'X' in the adapter is not a base: an adapter has only A, C, G and T.")]);
    }

    [Fact]
    public void An_empty_file_lacks_both_required_sections()
    {
        IlluminaKitFile.Parse("").Errors.Select(e => e.Field).ShouldBe(["[IndexKit]", "[Indices]"], ignoreOrder: true);
    }

    [Fact]
    public void A_file_over_the_cap_is_refused_before_parsing()
    {
        var text = "[IndexKit]\n" + new string('#', IlluminaKitFile.MaxBytes);

        IlluminaKitFile.Parse(text).Errors.ShouldHaveSingleItem().Field.ShouldBe("file");
    }
}
