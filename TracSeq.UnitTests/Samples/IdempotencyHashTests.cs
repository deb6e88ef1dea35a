using System.Security.Cryptography;
using System.Text.Json;
using TracSeq.ServiceDefaults.Data;

namespace TracSeq.UnitTests.Samples;

/// <summary>The request hash is computed while serialising, without the whole JSON in memory, and is the same hash as
/// before: records stored by an earlier version must still recognise their retries.</summary>
public sealed class IdempotencyHashTests
{
    [Fact]
    public void The_streamed_hash_is_the_hash_of_the_whole_json()
    {
        // Larger than the serialiser's buffer, so it arrives in many writes.
        var request = new
        {
            submissionId = Guid.NewGuid(),
            samples = Enumerable.Range(0, 5_000).Select(i => new { name = $"Sample {i} é \"q\"", volume = 1.50m + i, metadata = new { row = i } }).ToList(),
        };

        var expected = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, new JsonSerializerOptions(JsonSerializerDefaults.Web)));

        IdempotencyRecords.Hash(request).ShouldBe(expected);
    }
}
