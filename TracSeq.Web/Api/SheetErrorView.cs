using TracSeq.Templates.Submissions;

namespace TracSeq.Web.Api;

/// <summary>
/// Where a submission's errors sit in the sheet the user uploaded: cells by (row, column) with their messages. Rows
/// are numbered as the user sees them (header = row 1) and columns named as written in the sheet, which is exactly how
/// Templates reports them; headers are matched ignoring case, spaces and underscores, as Templates matches them.
/// </summary>
public sealed class SheetErrorView
{
    private readonly Dictionary<(int Row, string Column), List<string>> _cells = [];

    public SheetErrorView(IEnumerable<SubmissionError> errors)
    {
        foreach (var error in errors)
        {
            var key = (error.Row, Canonical(error.Column));
            if (!_cells.TryGetValue(key, out var messages))
            {
                _cells[key] = messages = [];
            }
            messages.Add(error.Message);
        }
    }

    public IReadOnlyList<string>? MessagesFor(int row, string header) =>
        _cells.TryGetValue((row, Canonical(header)), out var messages) ? messages : null;

    public bool IsBad(int row, string header) => MessagesFor(row, header) is not null;

    /// <summary>Rows worth showing: all of a small sheet; of a big one, the rows with errors.</summary>
    public static IEnumerable<SheetRow> RowsToShow(Sheet sheet, SheetErrorView view, int limit = 200) =>
        sheet.Rows.Count <= limit ? sheet.Rows : sheet.Rows.Where(r => sheet.Headers.Any(h => view.IsBad(r.Number, h))).Take(limit);

    private static string Canonical(string header) =>
        new string([.. header.Where(c => c is not (' ' or '_'))]).ToLowerInvariant();
}
