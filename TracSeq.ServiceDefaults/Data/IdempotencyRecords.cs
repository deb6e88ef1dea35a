using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Npgsql;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using TracSeq.Contracts;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.ServiceDefaults.Data;

public enum IdempotencyState { New, Replay, KeyReused }

/// <summary>What an earlier request under the same key answered.</summary>
public sealed record IdempotencyClaim(IdempotencyState State, int StatusCode = 0, string Response = "");

/// <summary>
/// <c>Idempotency-Key</c>: the key is claimed inside the transaction that does the work and the answer is stored in
/// it before commit. A retry after success replays the stored answer and creates nothing; a retry after a failure
/// finds no record (it rolled back) and runs again; a concurrent duplicate waits on the primary key, then replays.
/// Shared by every service that accepts the header (Samples, Sequencing); each keeps an <c>idempotency_records</c>
/// table in its own database (same columns, its own migration).
/// </summary>
public static class IdempotencyRecords
{
    public const string HeaderName = IdempotencyKeys.HeaderName;
    public const string ReplayedHeaderName = IdempotencyKeys.ReplayedHeaderName;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Printable ASCII without spaces, bounded, like the correlation id.</summary>
    public static ValidationErrors CheckKey(this ValidationErrors errors, string? key, bool required) =>
        key is null
            ? errors.Check(!required, HeaderName, $"The {HeaderName} header is required.")
            : errors.Check(IdempotencyKeys.IsValid(key), HeaderName, IdempotencyKeys.Problem);

    /// <summary>
    /// SHA-256 of the request's JSON, fed to the hash as the serialiser writes it: a 10,000-sample batch is megabytes
    /// of JSON, which as one array went to the large-object heap on every submission only to be hashed and dropped.
    /// The bytes hashed are the same as before, so records stored earlier still match their retries.
    /// </summary>
    public static byte[] Hash<T>(T request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var sink = new HashingStream(hash))
        {
            JsonSerializer.Serialize(sink, request, Json);
        }
        return hash.GetHashAndReset();
    }

    public static async Task<IdempotencyClaim> ClaimAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string scope, Guid ownerId, string key, byte[] requestHash)
    {
        var claimed = await connection.ExecuteAsync(
            """
            INSERT INTO idempotency_records (scope, owner_id, key, request_hash) VALUES (@scope, @ownerId, @key, @requestHash)
            ON CONFLICT DO NOTHING
            """,
            new { scope, ownerId, key, requestHash }, transaction);
        if (claimed == 1)
        {
            return new IdempotencyClaim(IdempotencyState.New);
        }

        var earlier = await connection.QuerySingleAsync<(byte[] RequestHash, int StatusCode, string Response)>(
            "SELECT request_hash, status_code, response FROM idempotency_records WHERE scope = @scope AND owner_id = @ownerId AND key = @key",
            new { scope, ownerId, key }, transaction);
        return earlier.RequestHash.AsSpan().SequenceEqual(requestHash)
            ? new IdempotencyClaim(IdempotencyState.Replay, earlier.StatusCode, earlier.Response)
            : new IdempotencyClaim(IdempotencyState.KeyReused);
    }

    /// <summary>Claims an optional key: a request without one is always new.</summary>
    public static async Task<IdempotencyClaim> ClaimIfKeyedAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string scope, Guid ownerId, string? key, T request) =>
        key is null ? new IdempotencyClaim(IdempotencyState.New) : await ClaimAsync(connection, transaction, scope, ownerId, key, Hash(request));

    /// <summary>Stores the answer under an optional key (nothing to store without one).</summary>
    public static async Task CompleteIfKeyedAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string scope, Guid ownerId, string? key, int statusCode, T response)
    {
        if (key is not null)
        {
            await CompleteAsync(connection, transaction, scope, ownerId, key, statusCode, response);
        }
    }

    /// <summary>Stores the answer; call in the same transaction, just before commit. Returns the JSON that was stored.</summary>
    public static async Task<string> CompleteAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string scope, Guid ownerId, string key, int statusCode, T response)
    {
        var json = JsonSerializer.Serialize(response, Json);
        await connection.ExecuteAsync(
            """
            UPDATE idempotency_records SET status_code = @statusCode, response = @json
            WHERE scope = @scope AND owner_id = @ownerId AND key = @key
            """,
            new { scope, ownerId, key, statusCode, json }, transaction);
        return json;
    }

    /// <summary>The same key sent with a different request: 422, the same problem from every service.</summary>
    public static ProblemHttpResult KeyReused() =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "This Idempotency-Key was already used for a different request.",
            detail: "Use a new key for a new request; repeat the original request unchanged to get its result again.");

    /// <summary>The stored first answer, byte for byte, with its status, its Location and <c>Idempotent-Replayed: true</c>.</summary>
    public static ContentHttpResult Replay(HttpContext http, IdempotencyClaim claim, string? location)
    {
        if (location is not null)
        {
            http.Response.Headers.Location = location;
        }
        http.Response.Headers[ReplayedHeaderName] = "true";
        return TypedResults.Content(claim.Response, "application/json", Encoding.UTF8, claim.StatusCode);
    }

    /// <summary>The <c>id</c> of a stored answer (a created resource), for its Location on replay.</summary>
    public static Guid StoredId(IdempotencyClaim claim)
    {
        using var stored = JsonDocument.Parse(claim.Response);
        return stored.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>A write-only stream that hashes what is written to it and keeps nothing.</summary>
    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
