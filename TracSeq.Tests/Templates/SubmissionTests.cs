using System.Net;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Templates;

/// <summary>
/// Submissions across Templates and Samples: barcodes Samples already holds, and what Samples makes of a committed
/// sheet. Sheet checks, reports, dry runs and listings are the per-service tier's (TracSeq.ServiceTests/Templates).
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class SubmissionTests(AppHostFixture fixture)
{
    private readonly TemplateLab _lab = new(fixture);

    [Fact]
    public async Task Barcodes_twice_in_the_sheet_or_already_in_use_are_errors_on_their_rows()
    {
        var template = await _lab.CreateTemplateAsync();
        var existing = await _lab.Samples.CreateSampleAsync(new { name = "Already here", sampleType = "dna", barcode = SampleLab.Unique("OLD") });
        var rows = Enumerable.Range(1, 6).Select(i => TemplateLab.GoodRow(i, SampleLab.Unique("NEW"))).ToList();
        rows[1][2] = existing.Barcode;

        using var response = await _lab.SubmitAsync(TemplateLab.Csv(rows), "taken.csv", template.Id);

        var report = await TemplateLab.ReportAsync(response, HttpStatusCode.UnprocessableEntity);
        report.Errors.ShouldBe([new(3, "Barcode", existing.Barcode, $"The barcode '{existing.Barcode}' is already in use by another sample.")]);
        (report.Outcome, report.Rejected, report.Accepted).ShouldBe(("rejected", 1, 5));
        (await _lab.SamplesOfSubmissionAsync(report.SubmissionId)).ShouldBe(0);
    }

    /// <summary>
    /// What Samples makes of a committed sheet; how Templates reads and checks sheets and what it sends is the
    /// per-service tier's (TracSeq.ServiceTests/Templates).
    /// </summary>
    [Fact]
    public async Task A_committed_sheet_becomes_samples_with_generated_barcodes_and_the_responses_trace_id_in_every_created_event()
    {
        var template = await _lab.CreateTemplateAsync();
        var prefix = SampleLab.Unique("TRC");
        var rows = Enumerable.Range(1, 3).Select(i => TemplateLab.GoodRow(i, prefix)).ToList();
        rows[1][2] = ""; // the second row leaves the barcode to TracSeq

        using var response = await _lab.SubmitAsync(TemplateLab.Csv(rows), "trace.csv", template.Id);

        var report = await TemplateLab.ReportAsync(response, HttpStatusCode.Created);
        (await _lab.SamplesOfSubmissionAsync(report.SubmissionId)).ShouldBe(3);
        (await _lab.CountAsync("SELECT count(*) FROM sample_events e JOIN samples s ON s.id = e.sample_id WHERE s.submission_id = @id AND e.type = 'created'",
            report.SubmissionId)).ShouldBe(3);
        var first = await _lab.Samples.GetSampleAsync(report.SampleIds[0]);
        var second = await _lab.Samples.GetSampleAsync(report.SampleIds[1]);
        (first.Name, first.Barcode, first.SampleType, first.Volume, first.Concentration, first.ProjectCode)
            .ShouldBe(("Plate1-01", $"{prefix}-001", "rna", 25.5m, 12.75m, "ABC-123"));
        (first.TemplateId, first.TemplateVersion, first.SubmissionId).ShouldBe((template.Id, 1, report.SubmissionId));
        first.CollectedAt.ShouldBe(new DateTime(2024, 3, 5, 0, 0, 0, DateTimeKind.Utc));
        first.Metadata.GetProperty("Replicate").GetDecimal().ShouldBe(2m);
        first.Metadata.GetProperty("Passed_QC").GetBoolean().ShouldBeFalse();
        first.Metadata.GetProperty("Donor").GetString().ShouldBe("D-0001");
        second.Barcode.ShouldMatch("^TS-DNA-[0-9]{6}-[0-9]{5,}$"); // left empty in the sheet: generated
        var traceId = response.Headers.GetValues("X-Correlation-Id").ShouldHaveSingleItem();
        traceId.ShouldMatch("^[0-9a-f]{32}$"); // none was sent: the gateway's trace id
        foreach (var id in report.SampleIds)
        {
            (await _lab.Samples.EventsAsync(id)).ShouldHaveSingleItem().TraceId.ShouldBe(traceId);
        }
    }
}
