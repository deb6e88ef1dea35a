using System.Globalization;

namespace TracSeq.Templates.Submissions;

/// <summary>
/// Collects a sheet's errors with bounded memory whatever the sheet: the first
/// <see cref="SubmissionLimits.MaxReportedErrors"/> are kept (values and messages shortened), the rest only counted
/// in <see cref="Omitted"/>; which rows had an error is kept for every row, so the counts stay exact.
/// </summary>
public sealed class SubmissionErrors
{
    private readonly List<SubmissionError> _kept = [];
    private readonly HashSet<int> _rows = [];

    public int Omitted { get; private set; }
    public bool HeaderHasErrors => _rows.Contains(1);
    public IReadOnlyCollection<int> Rows => _rows;

    public void Add(SubmissionError error)
    {
        _rows.Add(error.Row);
        if (_kept.Count >= SubmissionLimits.MaxReportedErrors)
        {
            Omitted++;
            return;
        }
        _kept.Add(error with
        {
            Column = Shorten(error.Column, 200),
            Value = error.Value is null ? null : Shorten(error.Value, SubmissionLimits.MaxValueLength),
            Message = Shorten(error.Message, SubmissionLimits.MaxMessageLength),
        });
    }

    /// <summary>The kept errors by row (the header's first), in the order they were found within a row.</summary>
    public IReadOnlyList<SubmissionError> Sorted() => [.. _kept.OrderBy(e => e.Row)];

    /// <summary>At most <paramref name="max"/> characters, marked with '…' when cut.</summary>
    public static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    /// <summary>A select column's choices for a message: a few, then how many in all (the sheet's drop-down has them).</summary>
    public static string Choices(IReadOnlyList<string> options)
    {
        const int shown = 10;
        return options.Count <= shown
            ? string.Join(", ", options)
            : string.Create(CultureInfo.InvariantCulture,
                $"{string.Join(", ", options.Take(shown))}, … ({options.Count} in all; see the sheet's drop-down list)");
    }
}
