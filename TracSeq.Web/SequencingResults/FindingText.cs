using System.Globalization;
using System.Text.Json;

namespace TracSeq.Web.SequencingResults;

/// <summary>A finding in plain words: who (a library or a lane), what happened, the evidence, and what to change.</summary>
public sealed record FindingView(string Subject, string What, string? Evidence, string Fix, string Tone)
{
    /// <summary>The whole sentence, e.g. "TS-LIB-…-00007: i5 was read in reverse complement — 1.9 M reads under GTTAATTG+AGGCTATA; change …".</summary>
    public string Text => Evidence is null ? $"{Subject}: {What}; {Fix}" : $"{Subject}: {What} — {Evidence}; {Fix}";
}

/// <summary>
/// Turns the diagnosis' findings (labels and strengths of the run-results contract) into the sentences the run page
/// shows. Every label has its own words; an unknown label (a newer service) is shown with its name, never dropped.
/// </summary>
public static class FindingText
{
    public static FindingView For(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var (subject, what, fix, tone) = LibraryWords(finding) ?? LaneWords(finding);
        if (Changes(finding.Corrections) is { } changes)
        {
            fix = $"{fix} ({changes})";
        }
        return new FindingView(subject, what + Strength(finding.Strength), finding.Label == "lane_qc" ? null : Evidence(finding), fix, tone);
    }

    /// <summary>The words of a finding about one library: subject, what happened, the fix, the tone; null for a lane's.</summary>
    private static (string, string, string, string)? LibraryWords(Finding finding)
    {
        var library = finding.LibraryBarcode ?? "A library";
        var kitWell = KitWell(finding.Kit);
        var otherLane = finding.OtherLane is { } other ? $"lane {other}" : "another lane";
        return finding.Label switch
        {
            "i5_orientation" => (library, "i5 was read in reverse complement",
                "change the sample sheet's i5 orientation or the library's index", "error"),
            "i7_reverse_complemented" => (library, "i7 was read in reverse complement",
                "enter the library's i7 as its reverse complement (check which strand the kit lists)", "error"),
            "indices_swapped" => (library, "i7 and i5 are swapped",
                "swap the library's Index 1 and Index 2", "error"),
            "wrong_well" => (library, $"its reads carry the indices of {kitWell}, a well no library of this run has",
                $"the tube got another well's adapters: set the library's index to {kitWell}", "error"),
            "wrong_i5_plate" => (library, $"i7 is right but the i5 comes from {(finding.Kit?.Name is { } kit ? kit : "another kit")}",
                $"set the library's i5 to the one of {kitWell}", "error"),
            "no_i5" => (library, "no i5 was read: the library has a single-index adapter",
                "remove the library's Index 2 from the sheet, or demultiplex it with the single-indexed libraries", "error"),
            "i7_not_read" => (library, "the i7 read gave nothing (poly-G) while the library's i5 was read",
                "check the library's i7 adapter; demultiplex it on i5 alone if the i5 is unique in the lane", "error"),
            "shifted_index" => (library, "an index was read shifted by one base",
                "check the index cycles and OverrideCycles of the sheet (one base too many or too few before the index)", "error"),
            "wrong_lane" => (library, $"its reads are in {otherLane}, not in the lane the sheet puts it on",
                $"the library was loaded into {otherLane}: put it on that lane in the sheet", "error"),
            "ambiguous" => (library, "the unknown barcode that would explain it also matches another weak library",
                "check these libraries' indices by hand before changing the sheet", "warning"),
            "no_index_explanation" => (library, "got too few reads and no unknown barcode explains it",
                "likely a failed library, not a sheet error: check its QC and re-make or top it up", "warning"),
            _ => null,
        };
    }

    /// <summary>The words of a finding about a lane, or of a label this front end does not know (shown, never dropped).</summary>
    private static (string, string, string, string) LaneWords(Finding finding)
    {
        var library = finding.LibraryBarcode ?? "A library";
        var kitWell = KitWell(finding.Kit);
        return finding.Label switch
        {
            "hopped" => ($"Lane {finding.Lane}", "index hopping: the i7 of one library with the i5 of another",
                "nothing to change on the sheet; unique dual indices keep hopped reads out of the libraries", "info"),
            "not_on_sheet" => ($"Lane {finding.Lane}", $"reads with the indices of {kitWell}, which no library of this lane has",
                "a library missing from the sheet: add it, or check what went into the pool", "warning"),
            "wrong_pool" => ($"Lane {finding.Lane}", $"reads with the indices of {library}, a library of another pool",
                $"{library}'s pool (or the library) went into this lane: check which pools were loaded", "warning"),
            "no_index_signature" => ($"Lane {finding.Lane}", "reads without an index (poly-G i7 with an adapter i5, or PhiX)",
                "nothing to change: PhiX spike-in and adapter dimers look like this", "info"),
            "unexplained" => ($"Lane {finding.Lane}", "many reads under an unknown barcode TracSeq cannot explain",
                "look the barcode up in your other kits and pools", "warning"),
            "lane_qc" => LaneCheck(finding),
            _ => (finding.LibraryBarcode ?? $"Lane {finding.Lane}",
                Unprefixed(finding.Fix, finding.LibraryBarcode ?? $"Lane {finding.Lane}") ?? $"finding '{finding.Label}'",
                "see the run's results for details", "info"),
        };
    }

    /// <summary>Lane QC: the service's sentence names the value and the limit; the advice depends on the check.</summary>
    private static (string, string, string, string) LaneCheck(Finding f)
    {
        var subject = f.LibraryBarcode ?? $"Lane {f.Lane}";
        var what = Unprefixed(f.Fix, subject) ?? $"failed the lane check {f.Check} ({f.Value} against {f.Threshold})";
        var fix = f.Check switch
        {
            "undetermined" => "the findings below name the unknown barcodes behind it",
            "unknown_barcode" => "the findings below say whose barcode it is",
            "cluster_pf" => "the lane gave too few clusters: check the loading concentration and the flow cell",
            "reads_per_library" => "too few reads for the lane's share of the flow cell: plan a top-up",
            { } check when check.StartsWith("q30", StringComparison.Ordinal) =>
                "base quality below the limit for this flow cell: ask whether the run should be repeated",
            _ => "below the lab's QC threshold for this flow cell",
        };
        return (subject, what, fix, "warning");
    }

    /// <summary>The service's sentence without the subject it starts with ("Lane 1: 23 % …" → "23 % …",
    /// "Lane 1, read 2: …" → "read 2: …"), without its full stop.</summary>
    private static string? Unprefixed(string? text, string subject)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var trimmed = text.Trim().TrimEnd('.');
        return trimmed.StartsWith(subject + ": ", StringComparison.Ordinal) || trimmed.StartsWith(subject + ", ", StringComparison.Ordinal)
            ? trimmed[(subject.Length + 2)..] : trimmed;
    }

    /// <summary>The confirmed sheet changes, e.g. "Index 2 AGGCTATA → TATAGCCT, lane 1 → 3".</summary>
    private static string? Changes(IReadOnlyList<FindingCorrection>? corrections) =>
        corrections is not { Count: > 0 } ? null
        : string.Join(", ", corrections.Select(c => $"{Field(c.Field)} {c.From ?? "none"} → {c.To ?? "none"}"));

    private static string Field(string field) => field switch
    {
        "index1" => "Index 1",
        "index2" => "Index 2",
        _ => field,
    };

    /// <summary>Reads for people: 1,234 · 12.3 k · 1.9 M · 2.4 G.</summary>
    public static string Reads(long reads) => reads switch
    {
        >= 1_000_000_000 => (reads / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + " G",
        >= 1_000_000 => (reads / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " M",
        >= 10_000 => (reads / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + " k",
        _ => reads.ToString("N0", CultureInfo.InvariantCulture),
    };

    /// <summary>A fraction of 1 as a percentage (0.0946 → 9.46 %); a dash when unknown.</summary>
    public static string Percent(double? fraction) =>
        fraction is { } f ? (f * 100).ToString(f < 0.1 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + " %" : "—";

    /// <summary>A JSON value in words: a string as it is, an object as "key: value" pairs, null for nothing.</summary>
    public static string? Words(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.Object } v when v.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
        { ValueKind: JsonValueKind.Object } v => string.Join(", ", v.EnumerateObject()
            .Where(p => p.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Object or JsonValueKind.Array))
            .Select(p => $"{p.Name}: {p.Value}")),
        { } v => v.ToString(),
    };

    private static string Strength(string? strength) => strength switch
    {
        "partial" => " (partly: the barcode holds 10–50 % of its expected reads)",
        "trace" => " (a trace, under 10 % of its expected reads: carry-over, for information)",
        "ambiguous" => " (ambiguous: the barcode fits more than one library)",
        _ => "",
    };

    private static string? Evidence(Finding f)
    {
        if (f.Reads is not { } reads)
        {
            return null;
        }
        var barcode = (f.Index, f.Index2) switch
        {
            (null or "", null or "") => null,
            ({ } i7, null or "") => i7,
            (null or "", { } i5) => "+" + i5,
            var (i7, i5) => $"{i7}+{i5}",
        };
        return barcode is null ? $"{Reads(reads)} reads" : $"{Reads(reads)} reads under {barcode}";
    }

    private static string KitWell(FindingKit? kit) => kit switch
    {
        { Name: { } name, Well: { } well } => $"{name} well {well}",
        { Name: { } name } => name,
        { Well: { } well } => $"well {well}",
        _ => "another kit's well",
    };
}
