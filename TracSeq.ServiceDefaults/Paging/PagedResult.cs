using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.ServiceDefaults.Paging;

/// <summary>One page of a list: <c>{items, page, pageSize, total}</c>, the shape of every TracSeq list.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

public readonly record struct PageRequest(int Page, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    /// <summary>Far past any real list, and low enough that (page − 1) × pageSize never overflows the offset.</summary>
    public const int MaxPage = 1_000_000;

    public int Offset => (Page - 1) * PageSize;

    /// <summary>Reads <c>page</c> (from 1) and <c>pageSize</c> (1 to 500), adding field errors for bad values.</summary>
    public static PageRequest From(int? page, int? pageSize, ValidationErrors errors)
    {
        errors.Check(page is null or (>= 1 and <= MaxPage), "page", $"page must be 1 to {MaxPage}.")
              .Check(pageSize is null or (>= 1 and <= MaxPageSize), "pageSize", $"pageSize must be 1 to {MaxPageSize}.");
        return new PageRequest(Math.Clamp(page ?? 1, 1, MaxPage), Math.Clamp(pageSize ?? DefaultPageSize, 1, MaxPageSize));
    }
}
