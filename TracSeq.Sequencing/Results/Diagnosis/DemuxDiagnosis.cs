using System.Globalization;
using TracSeq.Sequencing.Results.Import;

namespace TracSeq.Sequencing.Results.Diagnosis;

/// <summary>
/// Why a library got too few reads, from the lane's unknown barcodes (contract §4), and what every unknown barcode of
/// at least 1 % of a lane is.
///
/// Cost, with U unknown barcodes and W libraries on a lane: the unknowns are put once into hash tables (by pair, by
/// i7, by i5, by kit well), O(U); each weak library then looks up a fixed number of forms of its own indices
/// (R1–R3: 5, R8: 32 shifted variants, R9: one per other lane), O(1) each, plus at most M ≤ 16 masked tables for
/// unknowns carrying N; the lists by i7 and by i5 are read once per distinct library index, and libraries on a lane
/// have distinct indices, so O(U) over all of them. In all O(U + W·(F + M) + K) per lane, K the kit wells known.
/// Nothing scans the unknowns per library.
/// </summary>
public static class DemuxDiagnosis
{
    public const double WeakBelow = 0.10;          // a library is weak below 10 % of its expected reads in a lane
    public const double SignificantShare = 0.01;   // an unknown barcode (or a group) of ≥ 1 % of the lane is explained
    public const int MaxMasks = 16;                // distinct N patterns indexed per lane; the rest are not matched

    public sealed record Input(
        IndexReading Reading, IReadOnlyList<LaneLibrary> Libraries, IReadOnlyDictionary<int, long> LaneReads,
        IReadOnlyList<UnknownBarcode> Unknowns, IReadOnlyList<KitWell> KitWells, IReadOnlyList<ElsewhereLibrary> Elsewhere);

    public sealed record Output(IReadOnlyList<Finding> Findings, IReadOnlyList<string> Warnings);

    public static Output Run(Input input)
    {
        var warnings = new List<string>();
        var lanes = input.Libraries.Select(l => l.Lane).Concat(input.Unknowns.Select(u => u.Lane)).Distinct().Order().ToList();
        var index = lanes.ToDictionary(l => l, l => new LaneIndex(input, l, warnings));
        var runPairs = input.Libraries.Select(l => (l.I7, S5(input.Reading, l.I5))).ToList();
        var findings = new List<(Finding Finding, LaneIndex.Agg? Matched)>();
        foreach (var library in input.Libraries.Where(l => !l.NegativeControl && l.ExpectedReads > 0 && l.Reads < WeakBelow * l.ExpectedReads))
        {
            findings.Add(Diagnose(input, index, runPairs, library));
        }
        // A barcode that is the first match of more than one weak library explains none of them for sure.
        var shared = findings.Where(f => f.Matched is not null).GroupBy(f => f.Matched!).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        var result = findings.Select(f => shared.Contains(f) ? f.Finding with { Strength = Strengths.Ambiguous, Corrections = [] } : f.Finding).ToList();
        var explained = findings.Where(f => f.Matched is not null).Select(f => f.Matched!).ToHashSet();
        foreach (var lane in lanes)
        {
            result.AddRange(index[lane].ExplainSignificant(explained));
        }
        return new Output(result, warnings);
    }

    internal static string? S5(IndexReading reading, string? i5) => i5 is null ? null : reading.I5ReverseComplemented ? Barcodes.Rc(i5) : i5;

    private static (Finding, LaneIndex.Agg?) Diagnose(
        Input input, Dictionary<int, LaneIndex> index, List<(string I7, string? S5)> runPairs, LaneLibrary library)
    {
        var lane = index[library.Lane];
        var (i7, s5) = (library.I7, S5(input.Reading, library.I5));
        var match = TurnedMatch(lane, i7, s5) ?? PlateMatch(input.Reading, lane, library, runPairs, i7, s5) ?? OtherLaneMatch(index, library, i7, s5);
        if (match is { } m)
        {
            return (Build(input.Reading, library, m.Hit, m.Label, m.Form, m.OtherLane, m.Well, m.I7To, m.S5To, m.DropI5), m.Hit);
        }
        if (ShareElsewhere(input, library) is { } otherLane)
        {
            return (new Finding(FindingLabels.WrongLane, Strengths.Confirmed, library.Lane, library.LibraryId, library.Barcode, null, null, library.Reads, null,
                otherLane.Lane,
                string.Create(CultureInfo.InvariantCulture,
                    $"{library.Barcode} got {Pct(otherLane.Share)} of lane {otherLane.Lane} but almost nothing in lane {library.Lane}: " +
                    $"check which lane its pool was loaded on."))
            { Form = "share of the lane" }, null);
        }
        return (new Finding(FindingLabels.NoIndexExplanation, null, library.Lane, library.LibraryId, library.Barcode, null, null, library.Reads, null, null,
            $"No unknown barcode looks like {library.Barcode}'s indices: " +
            "the library itself probably failed (check its QC) rather than the sample sheet."), null);
    }

    /// <summary>An unknown barcode that explains a weak library, and how the sheet would have to change to read it.</summary>
    private readonly record struct Match(
        LaneIndex.Agg Hit, string Label, string Form, int? OtherLane, KitWell? Well, string? I7To, string? S5To, bool DropI5);

    /// <summary>R1–R3: the library's pair read with an index reverse-complemented, or the two indices swapped.</summary>
    private static Match? TurnedMatch(LaneIndex lane, string i7, string? s5)
    {
        var rc7 = Barcodes.Rc(i7);
        var rc5 = s5 is null ? null : Barcodes.Rc(s5);
        var dual = s5 is not null && lane.HasI5;
        if (dual && lane.Find(i7, rc5) is { } r1)
        {
            return new(r1, FindingLabels.I5Orientation, "(i7, rc i5)", null, null, null, rc5, false);
        }
        if (lane.Find(rc7, s5) is { } r2a)
        {
            return new(r2a, FindingLabels.I7ReverseComplemented, "(rc i7, i5)", null, null, rc7, null, false);
        }
        if (dual && lane.Find(rc7, rc5) is { } r2b)
        {
            return new(r2b, FindingLabels.I7ReverseComplemented, "(rc i7, rc i5)", null, null, rc7, rc5, false);
        }
        if (dual && lane.Find(s5!, i7) is { } r3a)
        {
            return new(r3a, FindingLabels.IndicesSwapped, "(i5, i7)", null, null, s5, i7, false);
        }
        return dual && lane.Find(rc5!, rc7) is { } r3b ? new(r3b, FindingLabels.IndicesSwapped, "(rc i5, rc i7)", null, null, rc5, rc7, false) : null;
    }

    /// <summary>R4–R8: another kit well, an i5 of another kit, a missing or unread index, an index shifted by one base.</summary>
    private static Match? PlateMatch(IndexReading reading, LaneIndex lane, LaneLibrary library, List<(string I7, string? S5)> runPairs, string i7, string? s5)
    {
        if (lane.HasI5 && lane.UnusedWell(library.KitName, runPairs) is { } r4)
        {
            return new(r4.Hit, FindingLabels.WrongWell, "another kit well", null, r4.Well, r4.Well.I7, S5(reading, r4.Well.I5), false);
        }
        if (s5 is not null && lane.HasI5 && lane.OtherKitI5(i7, library.KitName, s5) is { } r5)
        {
            return new(r5.Hit, FindingLabels.WrongI5Plate, "(i7, i5 of another kit)", null, new KitWell(r5.Kit, "", "", null), null, r5.Hit.Index2, false);
        }
        if (lane.HasI5 && lane.WithI7(i7, a => Barcodes.IsAdapterI5(a.Index2)) is { } r6)
        {
            return new(r6, FindingLabels.NoI5, "(i7, adapter or poly-G i5)", null, null, null, null, true);
        }
        if (s5 is not null && lane.HasI5 && lane.WithI5(s5, a => Barcodes.IsPolyG(a.Index)) is { } r7)
        {
            return new(r7, FindingLabels.I7NotRead, "(poly-G i7, i5)", null, null, null, null, false);
        }
        return lane.Shifted(i7, s5) is { } r8 ? new(r8.Hit, FindingLabels.ShiftedIndex, r8.Form, null, null, r8.I7, r8.S5, false) : null;
    }

    /// <summary>R9: the library's own pair found in another lane.</summary>
    private static Match? OtherLaneMatch(Dictionary<int, LaneIndex> index, LaneLibrary library, string i7, string? s5)
    {
        foreach (var other in index.Values.Where(o => o.Lane != library.Lane))
        {
            if (other.Find(i7, s5) is { } r9)
            {
                return new(r9, FindingLabels.WrongLane, "(i7, i5) in another lane", other.Lane, null, null, null, false);
            }
        }
        return null;
    }

    /// <summary>R9's second form: its share in this lane below 1 % of its share in another lane of the run.</summary>
    private static (int Lane, double Share)? ShareElsewhere(Input input, LaneLibrary library)
    {
        var here = input.LaneReads.TryGetValue(library.Lane, out var t) && t > 0 ? (double)library.Reads / t : 0;
        return input.Libraries
            .Where(o => o.LibraryId == library.LibraryId
                && o.Lane != library.Lane
                && input.LaneReads.TryGetValue(o.Lane, out var ot)
                && ot > 0)
            .Select(o => (o.Lane, Share: (double)o.Reads / input.LaneReads[o.Lane]))
            .Where(o => o.Share > 0 && here < 0.01 * o.Share).OrderByDescending(o => o.Share).Select(o => ((int, double)?)o).FirstOrDefault();
    }

    private static Finding Build(IndexReading reading, LaneLibrary library, LaneIndex.Agg hit, string label, string form, int? otherLane,
        KitWell? well, string? i7To, string? s5To, bool dropI5)
    {
        var strength = Strengths.Of(hit.Reads, library.ExpectedReads);
        var corrections = new List<Correction>();
        var reason = $"{label}: {hit.Reads.ToString("N0", CultureInfo.InvariantCulture)} reads under {hit.Display}";
        if (i7To is not null && i7To != library.I7)
        {
            corrections.Add(new Correction(library.LibraryId, library.Barcode, library.Lane, "index1", library.I7, i7To, label, reason));
        }
        var i5To = dropI5 ? null : s5To is null ? library.I5 : reading.I5ReverseComplemented ? Barcodes.Rc(s5To) : s5To;
        if (i5To != library.I5 && (dropI5 || s5To is not null))
        {
            corrections.Add(new Correction(library.LibraryId, library.Barcode, library.Lane, "index2", library.I5, i5To, label, reason));
        }
        if (otherLane is { } moved)
        {
            corrections.Add(new Correction(library.LibraryId, library.Barcode, library.Lane, "lane",
                library.Lane.ToString(CultureInfo.InvariantCulture), moved.ToString(CultureInfo.InvariantCulture), label, reason));
        }
        var fix = Fix(label, library, hit, otherLane, well, i7To, i5To);
        return new Finding(label, strength, library.Lane, library.LibraryId, library.Barcode, hit.Index, hit.Index2, hit.Reads,
            well is null ? null : new FindingKit(well.Kit, well.Well.Length == 0 ? null : well.Well), otherLane, fix)
        { Form = form, Corrections = strength == Strengths.Confirmed ? corrections : [] };
    }

    private static string Fix(string label, LaneLibrary library, LaneIndex.Agg hit, int? otherLane, KitWell? well, string? i7To, string? i5To)
    {
        var reads = Millions(hit.Reads);
        return label switch
        {
            FindingLabels.I5Orientation =>
                $"{library.Barcode}: i5 was read in reverse complement — {reads} reads under {hit.Display}; " +
                $"change the sample sheet's i5 orientation or the library's index2 to {i5To}.",
            FindingLabels.I7ReverseComplemented =>
                $"{library.Barcode}: i7 was read in reverse complement — {reads} reads under {hit.Display}; set the library's index1 to {i7To}.",
            FindingLabels.IndicesSwapped =>
                $"{library.Barcode}: i7 and i5 are swapped — {reads} reads under {hit.Display}; set index1 to {i7To} and index2 to {i5To}.",
            FindingLabels.WrongWell =>
                $"{library.Barcode}: the tube carries well {well?.Well} of {well?.Kit} — {reads} reads under {hit.Display}; " +
                "set the library's index to that well.",
            FindingLabels.WrongI5Plate =>
                $"{library.Barcode}: i7 is right but i5 comes from {well?.Kit} — {reads} reads under {hit.Display}; set index2 to {i5To}.",
            FindingLabels.NoI5 =>
                $"{library.Barcode}: made with a single-index adapter — {reads} reads under {hit.Display}; remove its index2 from the sheet.",
            FindingLabels.I7NotRead =>
                $"{library.Barcode}: the i7 read gave no signal (poly-G) — {reads} reads under {hit.Display}; " +
                "check the i7 adapter or demultiplex on i5 alone.",
            FindingLabels.ShiftedIndex =>
                $"{library.Barcode}: one index is shifted by one base — {reads} reads under {hit.Display}; set it to {i7To ?? library.I7}+{i5To}.",
            FindingLabels.WrongLane =>
                $"{library.Barcode}: its reads are in lane {otherLane} — {reads} reads under {hit.Display}; " +
                $"put it on lane {otherLane} in the sheet (or re-load it).",
            _ => "",
        };
    }

    internal static string Millions(long reads) =>
        reads >= 1_000_000 ? (reads / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " M" : reads.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Pct(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
