using System.Globalization;

namespace TracSeq.Web.SequencingResults;

/// <summary>One bar of the chart: a library's share of its lane against the share it was meant to get.</summary>
public sealed record ReadsBar(string Label, Guid? LibraryId, double Share, double? Expected, string Verdict, double Y, double Width,
    double? ExpectedX, string Title);

/// <summary>One lane's bars, drawn as an SVG of <see cref="ReadsChart.Width"/> × <see cref="Height"/> pixels.</summary>
public sealed record ReadsLaneChart(int Lane, IReadOnlyList<ReadsBar> Bars, double Height, double Scale, string Description)
{
    /// <summary>Grid lines: 0 % and the scale's quarter steps, as (x, label).</summary>
    public IEnumerable<(double X, string Label)> Ticks => Enumerable.Range(0, 5)
        .Select(i => (ReadsChart.PlotLeft + ReadsChart.PlotWidth * i / 4, FindingText.Percent(Scale * i / 4)));
}

/// <summary>
/// The picture of a run's results: per lane, one horizontal bar per library for its share of the lane's reads, a mark
/// where its expected share lies, coloured by verdict. Geometry is computed here (tested); the page only draws it.
/// </summary>
public static class ReadsChart
{
    public const double Width = 760;
    public const double PlotLeft = 200;
    public const double PlotWidth = 520;
    public const double RowHeight = 22;
    public const double Top = 8;
    public const double AxisHeight = 24;

    public static IReadOnlyList<ReadsLaneChart> Build(RunResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var totals = results.Lanes.ToDictionary(l => l.Lane, l => l.TotalReads ?? 0);
        return [.. results.Libraries.GroupBy(l => l.Lane).OrderBy(g => g.Key).Select(lane => Lane(lane.Key, [.. lane], totals.GetValueOrDefault(lane.Key)))];
    }

    private static ReadsLaneChart Lane(int lane, List<LibraryResult> libraries, long laneTotal)
    {
        var shares = libraries.Select(l => l.LaneFraction ?? (laneTotal > 0 ? (double)l.Reads / laneTotal : 0)).ToList();
        var largest = shares.Concat(libraries.Select(l => l.ExpectedFraction ?? 0)).DefaultIfEmpty(0).Max();
        var scale = NiceCeiling(largest);
        var bars = libraries.Select((l, i) =>
        {
            var y = Top + i * RowHeight;
            var expectedX = l.ExpectedFraction is { } e ? PlotLeft + PlotWidth * e / scale : (double?)null;
            var expected = l.ExpectedFraction is { } ex ? $" (expected {FindingText.Percent(ex)})" : "";
            var title = $"{l.LibraryBarcode}: {FindingText.Reads(l.Reads)} reads, " +
                $"{FindingText.Percent(shares[i])} of lane {lane}{expected}, {Verdict(l.Verdict)}";
            return new ReadsBar(l.LibraryBarcode, l.LibraryId, shares[i], l.ExpectedFraction, l.Verdict ?? "unknown", y,
                PlotWidth * shares[i] / scale, expectedX, title);
        }).ToList();
        var below = bars.Count(b => b.Expected is { } e && b.Share < 0.9 * e);
        var description = string.Create(CultureInfo.InvariantCulture,
            $"Lane {lane}: reads per library as a share of the lane against the expected share; " +
            $"{bars.Count} libraries, {below} below 90 % of their expected share.");
        return new ReadsLaneChart(lane, bars, Top + bars.Count * RowHeight + AxisHeight, scale, description);
    }

    /// <summary>The verdict in words (the contract's passed / top_up / failed).</summary>
    public static string Verdict(string? verdict) => verdict switch
    {
        "passed" => "passed",
        "top_up" => "needs a top-up",
        "failed" => "failed",
        null => "no verdict",
        _ => verdict,
    };

    /// <summary>A round axis end at or above the largest share: 1, 2, 2.5 or 5 × a power of ten, at most 100 %.</summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 0.1;
        }
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.First(s => s * power >= value * (1 - 1e-9)) * power;
        return Math.Min(step, 1);
    }
}
