using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Samples;

/// <summary>Creating samples: every field kept, barcodes generated or checked, and Idempotency-Key honoured.</summary>
[Collection(SamplesServiceCollection.Name)]
public sealed class SampleCreationTests(SamplesService fixture)
{
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task A_new_sample_keeps_every_field_starts_pending_and_records_who_created_it()
    {
        var scientist = await _lab.SessionAsync("research_scientist");
        var collectedAt = new DateTimeOffset(2025, 3, 14, 9, 30, 0, TimeSpan.FromHours(1));
        using var client = await _lab.AsAsync("research_scientist");

        using var response = await client.PostAsJsonAsync("/api/samples", new
        {
            name = "  Liver biopsy 12 ", sampleType = "tissue", volume = 250.5, concentration = 12.25, qualityScore = 8.1,
            projectCode = "ONC-2025", collectedAt, notes = "Keep on dry ice", metadata = new { donor = "D-0042", consent = true, panel = new[] { "A", "B" } },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var sample = (await response.Content.ReadFromJsonAsync<SampleInfo>(SampleLab.Json))!;
        response.Headers.Location!.ToString().ShouldBe($"/api/samples/{sample.Id}");
        response.Headers.ETag!.Tag.ShouldBe("\"1\"");
        (sample.Name, sample.SampleType, sample.Status, sample.ProjectCode, sample.Notes)
            .ShouldBe(("Liver biopsy 12", "tissue", "pending", "ONC-2025", "Keep on dry ice"));
        (sample.Volume, sample.Concentration, sample.QualityScore).ShouldBe((250.5m, 12.25m, 8.1m));
        sample.CollectedAt.ShouldBe(collectedAt.UtcDateTime);
        sample.Metadata.GetProperty("donor").GetString().ShouldBe("D-0042");
        sample.Metadata.GetProperty("panel").GetArrayLength().ShouldBe(2);
        sample.CreatedBy.ShouldBe(scientist.User.Id);
        sample.Location.ShouldBeNull();
        sample.Version.ShouldBe(1);

        var created = (await _lab.EventsAsync(sample.Id)).ShouldHaveSingleItem();
        (created.Type, created.FromStatus, created.ToStatus, created.Actor.Id, created.Actor.Email).ShouldBe(
            ("created", null, "pending", scientist.User.Id, scientist.User.Email));
        created.ChangedFields.ShouldBe(["barcode", "name", "sampleType", "status", "projectCode", "volume", "concentration",
            "qualityScore", "collectedAt", "notes", "metadata"], ignoreOrder: true);
        created.Change("volume").GetProperty("new").GetDecimal().ShouldBe(250.5m);
        created.Change("volume").GetProperty("old").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("dna", "DNA")]
    [InlineData("rna", "RNA")]
    [InlineData("blood", "BLD")]
    [InlineData("saliva", "SAL")]
    [InlineData("tissue", "TIS")]
    [InlineData("cells", "CEL")]
    [InlineData("plasma", "PLS")]
    [InlineData("other", "OTH")]
    public async Task A_generated_barcode_reads_TS_type_date_and_a_number_from_the_database_sequence(string sampleType, string code)
    {
        var first = await _lab.CreateSampleAsync(new { name = "Barcode check", sampleType });
        var second = await _lab.CreateSampleAsync(new { name = "Barcode check", sampleType });

        var match = System.Text.RegularExpressions.Regex.Match(first.Barcode, $"^TS-{code}-(\\d{{6}})-(\\d{{5,}})$");
        match.Success.ShouldBeTrue(first.Barcode);
        var day = DateTime.ParseExact(match.Groups[1].Value, "yyMMdd", CultureInfo.InvariantCulture);
        day.ShouldBe(first.CreatedAt.Date);
        var next = long.Parse(second.Barcode[^5..], CultureInfo.InvariantCulture);
        next.ShouldBeGreaterThan(long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_client_barcode_is_kept_found_by_scanning_and_taken_only_once()
    {
        var barcode = SampleLab.Unique("LAB");
        var sample = await _lab.CreateSampleAsync(new { name = "Own label", sampleType = "blood", barcode });
        using var client = await _lab.AsAsync("research_scientist");
        var before = await CountAsync("SELECT count(*) FROM samples");

        using var duplicate = await client.PostAsJsonAsync("/api/samples", new { name = "Twin", sampleType = "blood", barcode });

        sample.Barcode.ShouldBe(barcode);
        duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await SampleLab.ProblemAsync(duplicate)).GetProperty("barcodes")[0].GetString().ShouldBe(barcode);
        (await CountAsync("SELECT count(*) FROM samples")).ShouldBe(before);
        using var guest = await _lab.AsAsync("guest");
        (await guest.GetFromJsonAsync<SampleInfo>($"/api/samples/by-barcode/{barcode}", SampleLab.Json))!.Id.ShouldBe(sample.Id);
        (await guest.GetAsync($"/api/samples/by-barcode/{SampleLab.Unique("NONE")}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("abc-123")]          // lower case
    [InlineData("AB1")]              // too short
    [InlineData("-ABCD")]            // starts with a hyphen
    [InlineData("AB CD")]            // space
    [InlineData("TS-DNA-250101-00001")] // the generated shape is reserved
    [InlineData("ABCD-1\n")]         // a trailing line feed: a pattern ending in $ would let it through
    [InlineData("TS-DNA-250101-00001\n")]
    public async Task A_client_barcode_outside_the_pattern_is_a_400(string barcode)
    {
        using var client = await _lab.AsAsync("research_scientist");

        using var response = await client.PostAsJsonAsync("/api/samples", new { name = "Bad label", sampleType = "dna", barcode });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(response)).ShouldBe(["barcode"]);
    }

    [Fact]
    public async Task Replaying_an_idempotency_key_returns_the_first_result_and_creates_nothing()
    {
        var key = $"create-{Guid.NewGuid()}";
        var name = SampleLab.Unique("Idem");
        using var client = await _lab.AsAsync("research_scientist");

        using var first = await PostWithKeyAsync(client, key, new { name, sampleType = "rna" });
        var firstBody = await first.Content.ReadAsStringAsync();
        using var replay = await PostWithKeyAsync(client, key, new { name, sampleType = "rna" });
        using var reused = await PostWithKeyAsync(client, key, new { name = name + " changed", sampleType = "rna" });

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        replay.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await replay.Content.ReadAsStringAsync()).ShouldBe(firstBody);
        replay.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        replay.Headers.Location.ShouldBe(first.Headers.Location);
        reused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await CountAsync("SELECT count(*) FROM samples WHERE name LIKE @name || '%'", name)).ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_create_one_sample()
    {
        var key = $"race-{Guid.NewGuid()}";
        var name = SampleLab.Unique("Race");
        using var client = await _lab.AsAsync("research_scientist");

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostWithKeyAsync(client, key, new { name, sampleType = "cells" })));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created);
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<SampleInfo>(SampleLab.Json))!.Id));
        ids.Distinct().ShouldHaveSingleItem();
        (await CountAsync("SELECT count(*) FROM samples WHERE name = @name", name)).ShouldBe(1);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task An_idempotency_key_belongs_to_the_user_who_sent_it()
    {
        var key = $"shared-{Guid.NewGuid()}";
        var name = SampleLab.Unique("Owner");
        using var scientist = await _lab.AsAsync("research_scientist");
        using var technician = await _lab.AsAsync("lab_technician");

        using var one = await PostWithKeyAsync(scientist, key, new { name, sampleType = "dna" });
        using var other = await PostWithKeyAsync(technician, key, new { name, sampleType = "dna" });

        one.StatusCode.ShouldBe(HttpStatusCode.Created);
        other.StatusCode.ShouldBe(HttpStatusCode.Created);
        other.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        (await CountAsync("SELECT count(*) FROM samples WHERE name = @name", name)).ShouldBe(2);
    }

    private static async Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/samples") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private async Task<long> CountAsync(string sql, string? name = null)
    {
        await using var db = await _lab.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, db);
        if (name is not null)
        {
            command.Parameters.AddWithValue("name", name);
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
