using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using TracSeq.ServiceTests.Infrastructure;
using Xunit.Abstractions;

namespace TracSeq.ServiceTests.Templates;

/// <summary>
/// A researcher's 96-well plate sheet: every mistake reported exactly, nothing sent to Samples until the sheet is right,
/// then every row a sample in one keyed batch; dry runs, XLSX, listings.
/// </summary>
[Collection(TemplatesServiceCollection.Name)]
public sealed class SubmissionTests(TemplatesService fixture, ITestOutputHelper output)
{
    private readonly TemplateLab _lab = new(fixture);

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public async Task A_96_row_sheet_with_a_dozen_mistakes_gets_each_reported_exactly_and_nothing_committed_then_the_fixed_sheet_commits(string format)
    {
        var template = await _lab.CreateTemplateAsync();
        var prefix = TemplateLab.Unique("PL");
        var rows = Enumerable.Range(1, 96).Select(i => TemplateLab.GoodRow(i, prefix)).ToList();
        foreach (var row in rows.Where((_, i) => i % 2 == 1))
        {
            row[2] = ""; // every second row leaves the barcode to TracSeq
        }
        var broken = rows.Select(r => (string[])r.Clone()).ToList();
        void Set(int sheetRow, int column, string value) => broken[sheetRow - 2][column] = value;
        Set(4, 0, "");                      // Sample_Name missing
        Set(8, 1, "serum");                 // not an option
        Set(14, 4, "12,5");                 // decimal comma
        Set(21, 3, "600");                  // above max
        Set(26, 3, "-1");                   // below min
        Set(32, 5, "05/03/2024");           // not ISO
        Set(41, 6, "abc123");               // pattern
        Set(45, 7, "2.5");                  // not a whole number
        Set(51, 7, "7");                    // above max
        Set(59, 8, "maybe");                // not a boolean
        Set(64, 2, "bc 12");                // not a barcode
        Set(71, 2, broken[70 - 2][2]);      // the same barcode twice (row 70 keeps its own)
        Set(81, 5, "2099-01-01");           // in the future
        Set(89, 0, new string('x', 60));    // too long
        var before = await SubmissionsCounterAsync("rejected");

        using var response = await _lab.SubmitAsync(Sheet(broken, format), $"plate-1.{format}", template.Id);

        var report = await TemplateLab.ReportAsync(response, HttpStatusCode.UnprocessableEntity);
        var twice = broken[68][2];
        report.Errors.ShouldBe(
        [
            new(4, "Sample_Name", null, "A value is required here."),
            new(8, "Sample_Type", "serum", "'serum' is not one of the choices: dna, rna, blood."),
            new(14, "Concentration_ng_uL", "12,5", "'12,5' is not a decimal number."),
            new(21, "Volume_uL", "600", "600 is above the maximum of 500 µL."),
            new(26, "Volume_uL", "-1", "-1 is below the minimum of 0 µL."),
            new(32, "Collected", "05/03/2024", "'05/03/2024' is not a date; write it as YYYY-MM-DD (e.g. 2024-03-05)."),
            new(41, "Project", "abc123", "'abc123' does not have the expected form ([A-Z]{2,5}-[0-9]{3})."),
            new(45, "Replicate", "2.5", "'2.5' is not a whole number."),
            new(51, "Replicate", "7", "7 is above the maximum of 3."),
            new(59, "Passed_QC", "maybe", "'maybe' is not yes or no; use TRUE or FALSE."),
            new(64, "Barcode", "bc 12", "'bc 12' is not a valid barcode: use 4 to 50 capital letters, digits or hyphens, starting with a letter or digit."),
            new(70, "Barcode", twice, $"The barcode '{twice}' is used more than once in this sheet (also in row 71)."),
            new(71, "Barcode", twice, $"The barcode '{twice}' is used more than once in this sheet (also in row 70)."),
            new(81, "Collected", "2099-01-01", "2099-01-01 is in the future."),
            new(89, "Sample_Name", new string('x', 60), "This is 60 characters long; at most 50 are allowed."),
        ]);
        (report.Rows, report.Accepted, report.Rejected, report.Outcome, report.SampleIds.Count).ShouldBe((96, 81, 15, "rejected", 0));
        (await _lab.SamplesOfSubmissionAsync(report.SubmissionId)).ShouldBe(0);
        (await SubmissionsCounterAsync("rejected")).ShouldBe(before + 1);

        var stopwatch = Stopwatch.StartNew();
        using var fixedUp = await _lab.SubmitAsync(Sheet(rows, format), $"plate-1-fixed.{format}", template.Id);
        var took = stopwatch.Elapsed;

        var accepted = await TemplateLab.ReportAsync(fixedUp, HttpStatusCode.Created);
        (accepted.Rows, accepted.Accepted, accepted.Rejected, accepted.Outcome, accepted.Errors.Count).ShouldBe((96, 96, 0, "accepted", 0));
        accepted.SampleIds.Count.ShouldBe(96);
        (await _lab.SamplesOfSubmissionAsync(accepted.SubmissionId)).ShouldBe(96);
        var batch = fixture.Samples.BatchOf(accepted.SubmissionId); // what Templates asked Samples to create
        (batch.TemplateId, batch.TemplateVersion, batch.IdempotencyKey).ShouldBe((template.Id, 1, accepted.SubmissionId.ToString()));
        var (first, second) = (batch.Samples[0], batch.Samples[1]);
        (first.Name, first.Barcode, first.SampleType, first.Volume, first.Concentration, first.ProjectCode)
            .ShouldBe(("Plate1-01", $"{prefix}-001", "rna", 25.5m, 12.75m, "ABC-123"));
        first.CollectedAt.ShouldBe(new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.Zero));
        first.Metadata.GetProperty("Replicate").GetDecimal().ShouldBe(2m);
        first.Metadata.GetProperty("Passed_QC").GetBoolean().ShouldBeFalse();
        first.Metadata.GetProperty("Donor").GetString().ShouldBe("D-0001");
        second.Barcode.ShouldBeNull(); // left empty in the sheet: Samples generates it (TracSeq.Tests/Templates/SubmissionTests.cs)
        output.WriteLine($"96-row {format} submission committed by Templates in {took.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task A_dry_run_reports_like_a_submission_and_commits_nothing()
    {
        var template = await _lab.CreateTemplateAsync();
        var rows = Enumerable.Range(1, 10).Select(i => TemplateLab.GoodRow(i, TemplateLab.Unique("DRY"))).ToList();
        var withMistake = rows.Select(r => (string[])r.Clone()).ToList();
        withMistake[2][1] = "plasma";

        using var clean = await _lab.SubmitAsync(TemplateLab.Csv(rows), "dry.csv", template.Id, dryRun: true);
        using var mistaken = await _lab.SubmitAsync(TemplateLab.Csv(withMistake), "dry.csv", template.Id, dryRun: true);

        var ok = await TemplateLab.ReportAsync(clean, HttpStatusCode.OK);
        (ok.Outcome, ok.DryRun, ok.Rows, ok.Accepted, ok.SampleIds.Count).ShouldBe(("dry_run", true, 10, 10, 0));
        var bad = await TemplateLab.ReportAsync(mistaken, HttpStatusCode.OK);
        bad.Errors.ShouldBe([new(4, "Sample_Type", "plasma", "'plasma' is not one of the choices: dna, rna, blood.")]);
        (await _lab.SamplesOfSubmissionAsync(ok.SubmissionId)).ShouldBe(0);
        (await _lab.SamplesOfSubmissionAsync(bad.SubmissionId)).ShouldBe(0);
    }

    [Fact]
    public async Task An_xlsx_from_a_spreadsheet_library_with_date_cells_and_serials_is_checked_and_committed()
    {
        var template = await _lab.CreateTemplateAsync();
        object?[] Row(int i, object collected, object volume) =>
            [$"X-{i}", "DNA", null, volume, 3.25, collected, "XL-001", 1, true, null, $"D-{i}"];
        var broken = new List<object?[]> { Row(1, new DateTime(2024, 3, 5), 10.5), Row(2, 45000, "lots"), Row(3, "yesterday", 7) };

        using var rejected = await _lab.SubmitAsync(TemplateLab.Xlsx(broken), "plate.xlsx", template.Id);
        using var accepted = await _lab.SubmitAsync(TemplateLab.Xlsx([Row(1, new DateTime(2024, 3, 5), 10.5), Row(2, 45000, 20), Row(3, "2024-02-29", 7)]),
            "plate.xlsx", template.Id);

        (await TemplateLab.ReportAsync(rejected, HttpStatusCode.UnprocessableEntity)).Errors.ShouldBe(
        [
            new(3, "Volume_uL", "lots", "'lots' is not a decimal number."),
            new(4, "Collected", "yesterday", "'yesterday' is not a date; write it as YYYY-MM-DD (e.g. 2024-03-05)."),
        ]);
        var report = await TemplateLab.ReportAsync(accepted, HttpStatusCode.Created);
        var samples = fixture.Samples.SamplesOf(report.SubmissionId); // as sent to Samples
        samples.Select(s => s.CollectedAt?.UtcDateTime).ShouldBe(
            [new DateTime(2024, 3, 5, 0, 0, 0, DateTimeKind.Utc), new DateTime(2023, 3, 15, 0, 0, 0, DateTimeKind.Utc),
                new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc)]);
        samples.Select(s => (s.SampleType, s.Volume, s.Concentration)).ShouldBe([("dna", 10.5m, 3.25m), ("dna", 20m, 3.25m), ("dna", 7m, 3.25m)]);
        samples[0].Metadata.GetProperty("Passed_QC").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Submissions_are_listed_for_their_projects_members_and_hidden_from_other_users()
    {
        var template = await _lab.CreateTemplateAsync();
        using var response = await _lab.SubmitAsync(TemplateLab.Csv([TemplateLab.GoodRow(1, TemplateLab.Unique("LST"))]), "mine.csv", template.Id,
            dryRun: true);
        var report = await TemplateLab.ReportAsync(response, HttpStatusCode.OK);
        using var mine = await _lab.AsAsync("research_scientist");
        // A researcher of another group (no membership of the sheet's project); facility staff see everyone's.
        var stranger = new TestIdentity(Guid.NewGuid(), $"stranger.{Guid.NewGuid():N}@lab.example.org", "research_scientist");
        fixture.Samples.SetMemberships(stranger.Id, ("OTHER-1", "member"));
        using var other = fixture.CreateClient(fixture.Tokens.TokenFor(stranger));
        using var admin = await _lab.AsAsync("lab_technician");

        var list = (await mine.GetFromJsonAsync<PageOf<SubmissionReport>>("/api/submissions?pageSize=500", TemplateLab.Json))!;
        using var othersView = await other.GetAsync($"/api/submissions/{report.SubmissionId}");
        var othersList = (await other.GetFromJsonAsync<PageOf<SubmissionReport>>("/api/submissions?pageSize=500", TemplateLab.Json))!;
        var adminView = (await admin.GetFromJsonAsync<SubmissionReport>($"/api/submissions/{report.SubmissionId}", TemplateLab.Json))!;

        list.Items.ShouldContain(s => s.SubmissionId == report.SubmissionId && s.FileName == "mine.csv" && s.Outcome == "dry_run");
        othersView.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        othersList.Items.ShouldNotContain(s => s.SubmissionId == report.SubmissionId);
        (adminView.SubmittedBy, adminView.Rows).ShouldBe((fixture.Tokens.User("research_scientist").Id, 1));
    }

    /// <summary>
    /// The same rows as a CSV, or as an XLSX typed the way Excel users make it: numbers as number cells, ISO dates as
    /// date cells, TRUE/FALSE as booleans, everything else (including the mistakes) as the text the user typed.
    /// </summary>
    private static byte[] Sheet(IEnumerable<string[]> rows, string format) => format == "csv"
        ? TemplateLab.Csv(rows)
        : TemplateLab.Xlsx(rows.Select(row => row.Select(TypedCell).ToArray()));

    private static object? TypedCell(string text) => text switch
    {
        "" => null,
        "TRUE" or "FALSE" => text == "TRUE",
        _ when Regex.IsMatch(text, "^-?[0-9]+(\\.[0-9]+)?$") => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture),
        _ when DateTime.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var date) => date,
        _ => text,
    };

    private async Task<double> SubmissionsCounterAsync(string outcome)
    {
        using var client = fixture.CreateClient();
        var metrics = await client.GetStringAsync("/metrics");
        var match = Regex.Match(metrics, $"^tracseq_submissions_total\\{{outcome=\"{outcome}\"\\}} (\\S+)$", RegexOptions.Multiline);
        match.Success.ShouldBeTrue(metrics);
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
