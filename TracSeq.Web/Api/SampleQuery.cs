namespace TracSeq.Web.Api;

/// <summary>
/// The samples list's filters, sort and page as they sit in the page's URL (<c>/samples?q=…&amp;status=…</c>), so a
/// filtered list can be bookmarked and shared; the same values make the API query and the CSV export.
/// </summary>
public sealed record SampleQuery(string? Q, string? Status, string? Type, string? Project, string? Sort, int Page, int PageSize)
{
    public const int DefaultPageSize = 25;

    public static readonly string[] SortableColumns = ["barcode", "name", "sampleType", "status", "projectCode", "createdAt"];

    /// <summary>Filters only, as query parameters (no page or sort): for the API list, stats and export.</summary>
    public string FilterQuery() => Join(
        ("q", Q), ("status", Status), ("type", Type), ("projectCode", Project));

    public string ApiPath() => $"/api/samples?{Join(("q", Q), ("status", Status), ("type", Type), ("projectCode", Project),
        ("sort", Sort ?? "-createdAt"), ("page", Page.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("pageSize", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)))}";

    public string ExportPath() =>
        $"/downloads/samples.csv?{Join(("format", "csv"), ("q", Q), ("status", Status), ("type", Type), ("projectCode", Project), ("sort", Sort))}";

    /// <summary>This page's own URL for these values (page 1 and the default sort left out).</summary>
    public string PageUrl()
    {
        var query = Join(("q", Q), ("status", Status), ("type", Type), ("project", Project), ("sort", Sort),
            ("page", Page > 1 ? Page.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
        return query.Length == 0 ? "/samples" : "/samples?" + query;
    }

    /// <summary>Sorting by a column: ascending first, then descending, as people expect from a table header.</summary>
    public SampleQuery SortedBy(string column) => this with { Sort = Sort == column ? "-" + column : column, Page = 1 };

    public string? SortDirection(string column) =>
        Sort == column ? "ascending" : Sort == "-" + column || (Sort is null && column == "createdAt") ? "descending" : null;

    private static string Join(params (string Name, string? Value)[] parts) => string.Join("&", parts
        .Where(p => !string.IsNullOrWhiteSpace(p.Value))
        .Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!.Trim())}"));
}
