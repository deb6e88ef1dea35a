using System.Globalization;

namespace TracSeq.Sequencing.Results.Verdicts;

public static class Verdicts
{
    public const string Passed = "passed";
    public const string TopUp = "top_up";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Passed, TopUp, Failed];

    public const double PassedFrom = 0.9;
    public const double TopUpFrom = 0.1;

    /// <summary>
    /// A library over all its runs: r = sequenced reads ÷ target (its targetReads, else the sum of its expected reads in
    /// the lanes it was on). r ≥ 0.9 passed, 0.1 ≤ r &lt; 0.9 top_up, below failed. A negative control always passes:
    /// its reads are reported, never judged.
    /// </summary>
    public static (string Verdict, string Reason) ForLibrary(long sequencedReads, double target, bool targetIsSet, bool negativeControl)
    {
        var reads = sequencedReads.ToString("N0", CultureInfo.InvariantCulture);
        if (negativeControl)
        {
            return (Passed, $"Negative control: {reads} reads, reported and not judged.");
        }
        var what = targetIsSet ? "its target" : "its expected share";
        if (target <= 0)
        {
            return (Passed, $"{reads} reads; no target and no expected share to judge them by.");
        }
        var r = sequencedReads / target;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{reads} reads over all runs = {r * 100:0.#} % of {what} ({target:N0})");
        return r >= PassedFrom ? (Passed, $"{text}: at least 90 %.")
            : r >= TopUpFrom ? (TopUp, $"{text}: 10 to 90 %, sequence it again to reach the target.")
            : (Failed, $"{text}: below 10 %.");
    }

    /// <summary>A run's verdict: the worst of its libraries' (failed, then top_up, then passed).</summary>
    public static string ForRun(IEnumerable<string?> libraryVerdicts)
    {
        var all = libraryVerdicts.ToList();
        return all.Contains(Failed) ? Failed : all.Contains(TopUp) ? TopUp : Passed;
    }
}
