using System.Net;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Samples;

/// <summary>
/// The Redis read cache: reads by id and barcode are served from it, and every change through the API replaces what
/// it holds. To see the cache at work, a row is changed behind the API's back: until the API changes the sample, the
/// cached copy (without that change) is what readers get.
/// </summary>
[Collection(SamplesServiceCollection.Name)]
public sealed class SampleCacheTests(SamplesService fixture)
{
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task Reads_come_from_the_cache_until_a_change_through_the_API_invalidates_it()
    {
        var sample = await _lab.CreateSampleAsync(new { name = "Cached", sampleType = "dna", barcode = SampleLab.Unique("CACHE") });
        using var guest = await _lab.AsAsync("guest");
        (await ReadAsync(guest, sample)).ShouldBe(("Cached", "Cached"));   // fills the cache by id and by barcode

        await BehindTheApiAsync("UPDATE samples SET name = 'Changed behind the cache' WHERE id = @id", sample.Id);

        (await ReadAsync(guest, sample)).ShouldBe(("Cached", "Cached"));   // served from Redis
        using var technician = await _lab.TechnicianAsync();
        (await technician.PatchAsJsonAsync($"/api/samples/{sample.Id}", new { notes = "checked" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(guest, sample)).ShouldBe(("Changed behind the cache", "Changed behind the cache"));

        await BehindTheApiAsync("UPDATE samples SET name = 'Second change' WHERE id = @id", sample.Id);
        (await ReadAsync(guest, sample)).ShouldBe(("Changed behind the cache", "Changed behind the cache"));
        await _lab.MoveAsync(sample.Id, "received");                     // a status change invalidates too
        (await ReadAsync(guest, sample)).ShouldBe(("Second change", "Second change"));
    }

    [Fact]
    public async Task A_cached_read_answers_the_same_bytes_and_headers_as_a_read_from_PostgreSQL()
    {
        // Metadata with nesting, escapes and non-ASCII, decimals with trailing zeros, a null: what a re-serialisation
        // could change. A hit is written out as the cache holds it, so it must be what a miss answers, byte for byte.
        var sample = await _lab.CreateSampleAsync(new
        {
            name = "Bytes \"quoted\" <b>é</b>", sampleType = "rna", barcode = SampleLab.Unique("BYTES"), volume = 250.50m,
            concentration = 12.250m, notes = (string?)null, metadata = new { donor = "D-0042", tags = new[] { "a", "ü" }, n = 1.50m },
        });
        using var guest = await _lab.AsAsync("guest");

        var fromDatabase = await RawAsync(guest, $"/api/samples/{sample.Id}");                // a miss: fills the cache
        var byIdFromCache = await RawAsync(guest, $"/api/samples/{sample.Id}");
        var byBarcodeFromCache = await RawAsync(guest, $"/api/samples/by-barcode/{sample.Barcode}");

        byIdFromCache.ShouldBe(fromDatabase);
        byBarcodeFromCache.ShouldBe(fromDatabase);
        fromDatabase.ETag.ShouldBe("\"1\"");
        fromDatabase.ContentType.ShouldBe("application/json; charset=utf-8");
    }

    private static async Task<(string Body, string? ETag, string? ContentType)> RawAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()), response.Headers.ETag?.ToString(),
            response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task A_new_barcode_is_found_and_the_old_one_is_forgotten_at_once()
    {
        var sample = await _lab.CreateSampleAsync(new { name = "Relabelled", sampleType = "dna", barcode = SampleLab.Unique("OLD") });
        using var guest = await _lab.AsAsync("guest");
        (await guest.GetAsync($"/api/samples/by-barcode/{sample.Barcode}")).StatusCode.ShouldBe(HttpStatusCode.OK); // cached
        var newBarcode = SampleLab.Unique("NEW");
        using var technician = await _lab.TechnicianAsync();

        (await technician.PatchAsJsonAsync($"/api/samples/{sample.Id}", new { barcode = newBarcode })).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await guest.GetAsync($"/api/samples/by-barcode/{sample.Barcode}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await guest.GetFromJsonAsync<SampleInfo>($"/api/samples/by-barcode/{newBarcode}", SampleLab.Json))!.Id.ShouldBe(sample.Id);
    }

    [Fact]
    public async Task Bulk_changes_invalidate_every_sample_they_touch()
    {
        var ids = await _lab.CreateBatchAsync(3);
        foreach (var id in ids)
        {
            (await _lab.GetSampleAsync(id)).Status.ShouldBe("pending"); // cached
        }

        await _lab.BulkMoveAsync(ids, "received");

        foreach (var id in ids)
        {
            var sample = await _lab.GetSampleAsync(id);
            (sample.Status, sample.Version).ShouldBe(("received", 2));
        }
    }

    private static async Task<(string ById, string ByBarcode)> ReadAsync(HttpClient client, SampleInfo sample)
    {
        var byId = (await client.GetFromJsonAsync<SampleInfo>($"/api/samples/{sample.Id}", SampleLab.Json))!;
        var byBarcode = (await client.GetFromJsonAsync<SampleInfo>($"/api/samples/by-barcode/{sample.Barcode}", SampleLab.Json))!;
        return (byId.Name, byBarcode.Name);
    }

    private async Task BehindTheApiAsync(string sql, Guid id)
    {
        await using var db = await _lab.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, db) { Parameters = { new("id", id) } };
        (await command.ExecuteNonQueryAsync()).ShouldBe(1);
    }
}
