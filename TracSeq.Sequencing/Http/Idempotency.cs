using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.ServiceDefaults.Data;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing.Http;

/// <summary>What a create answers instead of running again: the key reused for another body (422), or the first answer.</summary>
public sealed record EarlierAnswer(ProblemHttpResult? KeyReused, ContentHttpResult? Replayed);

/// <summary>The Idempotency-Key steps every Sequencing create shares, on ServiceDefaults' <see cref="IdempotencyRecords"/>.</summary>
public static class Idempotency
{
    /// <summary>Claims the key inside the create's transaction; null when there is no key or it is new (go on).</summary>
    public static async Task<EarlierAnswer?> EarlierAnswerAsync<T>(NpgsqlConnection connection, NpgsqlTransaction tx, HttpContext http,
        ClaimsPrincipal user, string scope, string? key, T request, Func<IdempotencyClaim, string> location)
    {
        if (key is null)
        {
            return null;
        }
        var claim = await IdempotencyRecords.ClaimAsync(connection, tx, scope, user.GetUserId(), key, IdempotencyRecords.Hash(request));
        return claim.State switch
        {
            IdempotencyState.KeyReused => new(IdempotencyRecords.KeyReused(), null),
            IdempotencyState.Replay => new(null, IdempotencyRecords.Replay(http, claim, location(claim))),
            _ => null,
        };
    }

    /// <summary>The Location of a replayed create: the collection's path and the stored answer's id.</summary>
    public static Func<IdempotencyClaim, string> CreatedUnder(string collection) => claim => $"{collection}/{IdempotencyRecords.StoredId(claim)}";

    /// <summary>Stores the answer under the key (when there is one), in the create's transaction, just before commit.</summary>
    public static async Task CompleteAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction tx, ClaimsPrincipal user, string scope, string? key, int status, T response)
    {
        if (key is not null)
        {
            await IdempotencyRecords.CompleteAsync(connection, tx, scope, user.GetUserId(), key, status, response);
        }
    }
}
