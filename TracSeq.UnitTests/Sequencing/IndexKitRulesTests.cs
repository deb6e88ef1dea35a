using TracSeq.Sequencing.Kits;

namespace TracSeq.UnitTests.Sequencing;

/// <summary>The rules for kits that arrive as JSON: the same rules as the kit file, reported by JSON path.</summary>
public class IndexKitRulesTests
{
    private static IndexKitDefinition Kit(
        string strategy = KitStrategies.UniqueDual, IReadOnlyList<KitIndex>? indices = null, IReadOnlyList<KitWell>? wells = null, bool? fixedLayout = null)
    {
        wells ??= [new KitWell("A01", "I701", "I501"), new KitWell("B01", "I702", "I502")];
        return new IndexKitDefinition("JsonKit", "JSON kit", "1", strategy, fixedLayout ?? wells.Count > 0,
            indices ?? [new("I701", "ACGTACGT", 1), new("I702", "TGCATGCA", 1), new("I501", "CCTTAAGG", 2), new("I502", "AATTCCGG", 2)],
            wells, new Dictionary<string, string>(), []);
    }

    [Fact]
    public void A_valid_unique_dual_kit_has_no_errors() => IndexKitRules.Validate(Kit()).ShouldBeEmpty();

    [Fact]
    public void A_combinatorial_dual_kit_without_wells_has_no_errors() =>
        IndexKitRules.Validate(Kit(KitStrategies.Dual, wells: [])).ShouldBeEmpty();

    [Fact]
    public void Every_item_error_names_its_json_path()
    {
        var kit = Kit(indices:
        [
            new("I701", "ACGTNCGT", 1),
            new("I702", "TGCATGCA", 3),
            new("", "CCTTAAGG", 2),
            new("I701", "GGAACCTT", 1),
            new("I501", "CCTTAAGG", 2),
            new("I502", "AATTCCGG", 2),
        ], wells: [new KitWell("A01", "I701", "I501"), new KitWell("Z99", "I799", "I502"), new KitWell("a1", "I701", "I599")]) with { Name = " " };

        var errors = IndexKitRules.Validate(kit);

        errors.ShouldAllBe(e => e.Line == null);
        errors.Select(e => e.Field).ShouldBe(
        [
            "name",
            "indices[0].sequence",
            "indices[1].read",
            "indices[2].name",
            "indices[3].name",
            "wells[1].well",
            "wells[1].i7Name",
            "wells[2].well",
            "wells[2].i5Name",
            "wells",
        ], ignoreOrder: true);
        errors.Single(e => e.Field == "indices[3].name").Message.ShouldBe("The index name I701 is used twice in read 1 (first at indices[0]).");
        errors.Single(e => e.Field == "wells[2].well").Message.ShouldBe("The well A01 is given twice (first at wells[0]).");
    }

    [Theory]
    [InlineData("paired", "strategy")]
    [InlineData(KitStrategies.Single, "strategy")]
    [InlineData(KitStrategies.None, "strategy")]
    public void The_strategy_must_fit_the_indices(string strategy, string field) =>
        IndexKitRules.Validate(Kit(strategy, wells: [])).Select(e => e.Field).ShouldContain(field);

    [Fact]
    public void A_unique_dual_kit_uses_each_index_once()
    {
        var errors = IndexKitRules.Validate(Kit(wells: [new KitWell("A01", "I701", "I501"), new KitWell("B01", "I702", "I501")]));

        errors.ShouldBe([new KitError(null, "wells", "A unique-dual kit is a fixed layout whose wells use each i7 and each i5 index once.")]);
    }

    [Fact]
    public void Fixed_layout_and_wells_agree()
    {
        IndexKitRules.Validate(Kit(KitStrategies.Dual, wells: [], fixedLayout: true)).Select(e => e.Field).ShouldBe(["fixedLayout"]);
        IndexKitRules.Validate(Kit(fixedLayout: false)).Select(e => e.Field).ShouldBe(["fixedLayout"]);
    }

    [Fact]
    public void A_dual_kit_well_names_both_indices() =>
        IndexKitRules.Validate(Kit(KitStrategies.Dual, wells: [new KitWell("A01", "I701", null)])).Select(e => e.Field).ShouldBe(["wells"]);

    [Theory]
    [InlineData("A01", "A01")]
    [InlineData("a1", "A01")]
    [InlineData("P24", "P24")]
    [InlineData("h12", "H12")]
    public void Wells_from_A01_to_P24_are_accepted_and_spelled_one_way(string well, string normalized)
    {
        IndexKitRules.Well(well, out var actual).ShouldBeNull();
        actual.ShouldBe(normalized);
    }

    [Theory]
    [InlineData("Q01")]
    [InlineData("A25")]
    [InlineData("A00")]
    [InlineData("A")]
    [InlineData("1A")]
    [InlineData("A001")]
    [InlineData("")]
    [InlineData(null)]
    public void Wells_outside_a_384_well_plate_are_refused(string? well)
    {
        IndexKitRules.Well(well, out var normalized).ShouldNotBeNull();
        normalized.ShouldBeNull();
    }
}
