using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

/// <summary>The paged list of one thing's events (a sample's, a project's, an account's), the same in every service.</summary>
public static class EventPages
{
    /// <summary>400 for a bad page; <paramref name="notFound"/> when <paramref name="read"/> finds the thing absent or not the
    /// caller's to see (null); else the page.</summary>
    public static async Task<Results<Ok<PagedResult<T>>, ValidationProblem, ProblemHttpResult>> AnswerAsync<T>(
        int? page, int? pageSize, Func<ProblemHttpResult> notFound, Func<PageRequest, Task<(IReadOnlyList<T> Items, long Total)?>> read)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        return await read(paging) is { } found
            ? TypedResults.Ok(new PagedResult<T>(found.Items, paging.Page, paging.PageSize, found.Total))
            : notFound();
    }
}
