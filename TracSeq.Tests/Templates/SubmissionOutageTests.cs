using System.Diagnostics;
using System.Net;
using Npgsql;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Templates;

/// <summary>Samples stopped mid-submission: a fast 503, nothing half-written, and the retry commits exactly once.</summary>
[Collection(AppHostCollection.Name)]
public sealed class SubmissionOutageTests(AppHostFixture fixture)
{
    private readonly TemplateLab _lab = new(fixture);

    [Fact]
    public async Task With_samples_stopped_the_answer_is_a_fast_503_and_the_retry_with_the_same_key_commits_once()
    {
        var template = await _lab.CreateTemplateAsync();
        using var client = await _lab.AsAsync("research_scientist"); // signed in before the outage
        var sheet = TemplateLab.Csv(Enumerable.Range(1, 5).Select(i => TemplateLab.GoodRow(i, SampleLab.Unique("OUT"))));
        var key = $"upload-{Guid.NewGuid():N}";
        Guid submissionId;

        await fixture.StopResourceAsync("samples");
        try
        {
            var stopwatch = Stopwatch.StartNew();
            using var down = await _lab.SubmitAsync(sheet, "outage.csv", template.Id, idempotencyKey: key, client: client);
            var took = stopwatch.Elapsed;

            var body = await down.Content.ReadAsStringAsync();
            down.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
            took.ShouldBeLessThan(TimeSpan.FromSeconds(10));
            var problem = await SampleLab.ProblemAsync(down);
            problem.GetProperty("title").GetString().ShouldBe("The Samples service is unavailable; nothing was committed.");
            submissionId = problem.GetProperty("submissionId").GetGuid();
            (await OutcomeAsync(submissionId)).ShouldBe("failed");
        }
        finally
        {
            await fixture.StartResourceAsync("samples");
        }
        (await _lab.SamplesOfSubmissionAsync(submissionId)).ShouldBe(0);

        using var retry = await _lab.SubmitAsync(sheet, "outage.csv", template.Id, idempotencyKey: key, client: client);
        using var again = await _lab.SubmitAsync(sheet, "outage.csv", template.Id, idempotencyKey: key, client: client);
        using var changed = await _lab.SubmitAsync(
            TemplateLab.Csv([TemplateLab.GoodRow(9, "OTHER")]), "outage.csv", template.Id, idempotencyKey: key, client: client);

        var committed = await TemplateLab.ReportAsync(retry, HttpStatusCode.Created);
        committed.SubmissionId.ShouldBe(submissionId);
        committed.SampleIds.Count.ShouldBe(5);
        var replayed = await TemplateLab.ReportAsync(again, HttpStatusCode.Created);
        replayed.SampleIds.ShouldBe(committed.SampleIds);
        again.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        changed.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await _lab.SamplesOfSubmissionAsync(submissionId)).ShouldBe(5);
        (await OutcomeAsync(submissionId)).ShouldBe("accepted");
    }

    [Fact]
    public async Task A_submission_left_processing_by_a_processor_that_died_is_taken_over_by_a_retry_after_the_lease()
    {
        var template = await _lab.CreateTemplateAsync();
        using var client = await _lab.AsAsync("research_scientist");
        var sheet = TemplateLab.Csv(Enumerable.Range(1, 3).Select(i => TemplateLab.GoodRow(i, SampleLab.Unique("DIED"))));
        var key = $"upload-{Guid.NewGuid():N}";
        using var first = await _lab.SubmitAsync(sheet, "died.csv", template.Id, idempotencyKey: key, client: client);
        var committed = await TemplateLab.ReportAsync(first, HttpStatusCode.Created);

        // As if Templates (or its database) went down after Samples committed and before the outcome was recorded.
        await SetClaimAsync(committed.SubmissionId, TimeSpan.Zero);
        using var stillProcessing = await _lab.SubmitAsync(sheet, "died.csv", template.Id, idempotencyKey: key, client: client);
        stillProcessing.StatusCode.ShouldBe(HttpStatusCode.Conflict, "within the lease its processor may still be at work");

        await SetClaimAsync(committed.SubmissionId, TimeSpan.FromMinutes(2)); // past the lease (60 s, SubmissionStore.ProcessingLease)
        using var retry = await _lab.SubmitAsync(sheet, "died.csv", template.Id, idempotencyKey: key, client: client);

        var taken = await TemplateLab.ReportAsync(retry, HttpStatusCode.Created);
        (taken.SubmissionId, taken.Outcome).ShouldBe((committed.SubmissionId, "accepted"));
        taken.SampleIds.ShouldBe(committed.SampleIds, "Samples answers the batch it committed for this submission");
        (await _lab.SamplesOfSubmissionAsync(committed.SubmissionId)).ShouldBe(3);
        (await OutcomeAsync(committed.SubmissionId)).ShouldBe("accepted");
    }

    private async Task SetClaimAsync(Guid id, TimeSpan age)
    {
        await using var db = await _lab.OpenTemplatesDatabaseAsync();
        await using var command = new NpgsqlCommand(
            "UPDATE submissions SET outcome = 'processing', completed_at = NULL, claimed_at = now() - @age WHERE id = @id", db);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("age", age);
        (await command.ExecuteNonQueryAsync()).ShouldBe(1);
    }

    private async Task<string> OutcomeAsync(Guid id)
    {
        await using var db = await _lab.OpenTemplatesDatabaseAsync();
        await using var command = new NpgsqlCommand("SELECT outcome FROM submissions WHERE id = @id", db);
        command.Parameters.AddWithValue("id", id);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
