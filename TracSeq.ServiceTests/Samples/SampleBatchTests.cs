using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Samples;

/// <summary>
/// The internal batch create behind spreadsheet submissions (called by Templates with the user's token): all or
/// nothing, one commit per submission whatever the retries, every sample audited and counted.
/// </summary>
[Collection(SamplesServiceCollection.Name)]
public sealed class SampleBatchTests(SamplesService fixture)
{
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task A_batch_creates_every_sample_with_its_submission_and_template_and_audits_each()
    {
        var submissionId = Guid.NewGuid();
        var before = await CreatedCountAsync("rna");

        using var response = await _lab.PostBatchAsync("research_scientist", submissionId, SampleLab.BatchBody(submissionId, 25, "BATCH-1"));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("submissionId").GetGuid().ShouldBe(submissionId);
        body.RootElement.GetProperty("created").GetInt32().ShouldBe(25);
        var returned = body.RootElement.GetProperty("samples").EnumerateArray().ToList();
        returned.Count.ShouldBe(25);
        returned.ShouldAllBe(s => Regex.IsMatch(s.GetProperty("barcode").GetString()!, "^TS-RNA-[0-9]{6}-[0-9]{5,}$"));

        var third = await _lab.GetSampleAsync(returned[2].GetProperty("id").GetGuid());
        (third.Name, third.SubmissionId, third.TemplateVersion, third.Status, third.ProjectCode).ShouldBe(("Row 3", submissionId, 2, "pending", "BATCH-1"));
        third.TemplateId.ShouldBe(Guid.Parse("5a3f6c1e-0000-4000-8000-000000000001"));
        third.Metadata.GetProperty("donor").GetString().ShouldBe("D-0003");
        var created = (await _lab.EventsAsync(third.Id)).ShouldHaveSingleItem();
        created.Type.ShouldBe("created");
        created.Actor.Id.ShouldBe((await _lab.SessionAsync("research_scientist")).User.Id);
        created.ChangedFields.ShouldContain("submissionId");
        (await CountAsync("SELECT count(*) FROM sample_events e JOIN samples s ON s.id = e.sample_id WHERE s.submission_id = @id", submissionId)).ShouldBe(25);
        (await CreatedCountAsync("rna")).ShouldBe(before + 25);
    }

    [Fact]
    public async Task A_retried_submission_replays_the_answer_and_creates_nothing()
    {
        var submissionId = Guid.NewGuid();
        var body = SampleLab.BatchBody(submissionId, 10);
        using var first = await _lab.PostBatchAsync("research_scientist", submissionId, body);
        var firstAnswer = await first.Content.ReadAsStringAsync();

        using var retry = await _lab.PostBatchAsync("research_scientist", submissionId, body);
        using var otherUser = await _lab.PostBatchAsync("lab_technician", submissionId, body);
        using var changed = await _lab.PostBatchAsync("research_scientist", submissionId, SampleLab.BatchBody(submissionId, 11));

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(firstAnswer);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        otherUser.StatusCode.ShouldBe(HttpStatusCode.Created); // one submission is committed once, whoever retries it
        (await otherUser.Content.ReadAsStringAsync()).ShouldBe(firstAnswer);
        changed.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await CountAsync("SELECT count(*) FROM samples WHERE submission_id = @id", submissionId)).ShouldBe(10);
    }

    [Fact]
    public async Task A_barcode_already_in_use_fails_the_whole_batch_and_leaves_nothing()
    {
        var existing = await _lab.CreateSampleAsync(new { name = "Already here", sampleType = "dna", barcode = SampleLab.Unique("TAKEN") });
        var submissionId = Guid.NewGuid();
        var samples = Enumerable.Range(0, 50)
            .Select(i => (object)new { name = $"S{i}", sampleType = "dna", barcode = i == 37 ? existing.Barcode : null })
            .ToList();
        var samplesBefore = await CountAsync("SELECT count(*) FROM samples");

        using var response = await _lab.PostBatchAsync("research_scientist", submissionId,
            new { submissionId, templateId = Guid.NewGuid(), templateVersion = 1, samples });

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var duplicate = (await SampleLab.ProblemAsync(response)).GetProperty("duplicates").EnumerateArray().ShouldHaveSingleItem();
        (duplicate.GetProperty("index").GetInt32(), duplicate.GetProperty("barcode").GetString()).ShouldBe((37, existing.Barcode));
        (await CountAsync("SELECT count(*) FROM samples")).ShouldBe(samplesBefore);
        (await CountAsync("SELECT count(*) FROM idempotency_records WHERE key = @id::text", submissionId)).ShouldBe(0);

        using var fixedUp = await _lab.PostBatchAsync("research_scientist", submissionId,
            new { submissionId, templateId = Guid.NewGuid(), templateVersion = 1, samples = samples.Take(37) });
        fixedUp.StatusCode.ShouldBe(HttpStatusCode.Created); // the failed attempt did not use up the submission
    }

    [Fact]
    public async Task An_invalid_row_is_named_by_index_and_nothing_is_written()
    {
        var submissionId = Guid.NewGuid();
        var samples = Enumerable.Range(0, 20).Select(i => (object)(i switch
        {
            3 => new { name = "", sampleType = "dna" },
            11 => new { name = "Bad type", sampleType = "serum" },
            14 or 15 => new { name = "Twin", sampleType = "dna", barcode = "TWIN-0001" },
            _ => new { name = $"S{i}", sampleType = "dna" },
        })).ToList();
        var before = await CountAsync("SELECT count(*) FROM samples");

        using var response = await _lab.PostBatchAsync("research_scientist", submissionId,
            new { submissionId, templateId = Guid.NewGuid(), templateVersion = 1, samples });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(response)).ShouldBe(["samples[3].name", "samples[11].sampleType", "samples[15].barcode"], ignoreOrder: true);
        (await CountAsync("SELECT count(*) FROM samples")).ShouldBe(before);
    }

    [Fact]
    public async Task The_key_is_the_submission_id_and_callers_below_research_scientist_are_refused()
    {
        var submissionId = Guid.NewGuid();
        var body = SampleLab.BatchBody(submissionId, 1);

        using var wrongKey = await _lab.PostBatchAsync("research_scientist", submissionId, body, idempotencyKey: Guid.NewGuid().ToString());
        using var analyst = await _lab.PostBatchAsync("data_analyst", submissionId, body);
        using var anonymous = fixture.CreateClient();
        using var noToken = await anonymous.PostAsJsonAsync("/internal/samples/batch", body);
        using var scientist = await _lab.AsAsync("research_scientist", "samples");
        using var noKeyRequest = new HttpRequestMessage(HttpMethod.Post, "/internal/samples/batch") { Content = JsonContent.Create(body) };
        await ServiceIdentityHeader.SignAsync(noKeyRequest);
        using var noKey = await scientist.SendAsync(noKeyRequest);

        wrongKey.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(wrongKey)).ShouldBe(["Idempotency-Key"]);
        analyst.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        noToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        noKey.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CountAsync("SELECT count(*) FROM samples WHERE submission_id = @id", submissionId)).ShouldBe(0);
    }

    private async Task<long> CountAsync(string sql, Guid? id = null)
    {
        await using var db = await _lab.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, db);
        if (id is not null)
        {
            command.Parameters.AddWithValue("id", id.Value);
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<double> CreatedCountAsync(string sampleType)
    {
        using var client = fixture.CreateClient();
        var metrics = await client.GetStringAsync("/metrics");
        var match = Regex.Match(metrics, $"^tracseq_samples_created_total\\{{sample_type=\"{sampleType}\"\\}} (\\S+)$", RegexOptions.Multiline);
        match.Success.ShouldBeTrue();
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
