namespace TracSeq.Sequencing.SampleSheets;

/// <summary>
/// Values written into a sample sheet come from users (run names, library names, projects). A comma or line break
/// would shift columns or start a new row, and bcl2fastq and BCL Convert accept only letters, digits, '-' and '_' in
/// Sample_ID and Sample_Project (they become folder and file names), so every such value is reduced to exactly those:
/// anything else becomes '_'. A leading '-' becomes '_' too: a cell starting with '-' (like '=', '+' or '@', which are
/// already replaced) opens as a formula in a spreadsheet, and sheets are opened in spreadsheets; '_' keeps the value
/// a valid Sample_ID and recognisable ("-1-1" → "_1-1").
/// </summary>
public static class SampleSheetText
{
    public static string Sanitize(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        return string.Create(value.Length, value, static (target, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                target[i] = char.IsAsciiLetterOrDigit(c) || c is '_' || (c is '-' && i > 0) ? c : '_';
            }
        });
    }
}
