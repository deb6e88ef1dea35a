using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Samples;

/// <summary>Finding samples: filters, free text over barcode, name, project code and metadata, paging, sorting, stats and CSV.</summary>
[Collection(SamplesServiceCollection.Name)]
public sealed class SearchAndExportTests(SamplesService fixture)
{
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task Free_text_finds_a_sample_by_barcode_name_project_code_or_metadata_value()
    {
        var token = SampleLab.Unique("Q");
        var sample = await _lab.CreateSampleAsync(new
        {
            name = $"Biopsy {token[..6]}x", sampleType = "tissue", barcode = $"{token}-BC", projectCode = $"P{token}",
            metadata = new { donor = $"donor {token} left", site = "liver" },
        });
        using var guest = await _lab.AsAsync("guest");

        foreach (var q in new[] { $"{token}-BC", $"Biopsy {token[..6]}", $"P{token}", $"donor {token}", token.ToLowerInvariant() })
        {
            var page = (await guest.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?q={Uri.EscapeDataString(q)}", SampleLab.Json))!;
            page.Items.Select(i => i.Id).ShouldContain(sample.Id, q);
        }
        var none = (await guest.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?q={Uri.EscapeDataString(token + "%")}", SampleLab.Json))!;
        none.Total.ShouldBe(0); // % is matched literally, not as a wildcard
    }

    [Fact]
    public async Task Filters_paging_and_sorting_work_together()
    {
        var project = SampleLab.Unique("PRJ");
        var ids = await _lab.CreateBatchAsync(5, project, "blood");
        await _lab.BulkMoveAsync(ids.Take(2).ToList(), "received");
        using var guest = await _lab.AsAsync("guest");

        var received = (await guest.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?projectCode={project}&status=received", SampleLab.Json))!;
        var both = (await guest.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?projectCode={project}&status=received,pending&type=blood",
            SampleLab.Json))!;
        var firstPage = (await guest.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?projectCode={project}&sort=name&pageSize=2&page=1", SampleLab.Json))!;
        var lastPage = (await guest.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?projectCode={project}&sort=name&pageSize=2&page=3", SampleLab.Json))!;
        var descending = (await guest.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?projectCode={project}&sort=-name", SampleLab.Json))!;
        var wrongType = (await guest.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?projectCode={project}&type=dna", SampleLab.Json))!;
        var future = (await guest.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?projectCode={project}&from={DateTime.UtcNow.AddHours(1):O}",
            SampleLab.Json))!;
        var submission = (await guest.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?submissionId={(await _lab.GetSampleAsync(ids[0])).SubmissionId}",
            SampleLab.Json))!;

        received.Items.Select(i => i.Id).ShouldBe(ids.Take(2), ignoreOrder: true);
        both.Total.ShouldBe(5);
        (firstPage.Total, firstPage.PageSize, firstPage.Items.Count).ShouldBe((5L, 2, 2));
        firstPage.Items.Select(i => i.Name).ShouldBe(["Row 1", "Row 2"]);
        lastPage.Items.Select(i => i.Name).ShouldBe(["Row 5"]);
        descending.Items.Select(i => i.Name).ShouldBe(["Row 5", "Row 4", "Row 3", "Row 2", "Row 1"]);
        wrongType.Total.ShouldBe(0);
        future.Total.ShouldBe(0);
        submission.Items.Select(i => i.Id).ShouldBe(ids, ignoreOrder: true);
    }

    [Fact]
    public async Task The_location_filter_includes_everything_below_a_location()
    {
        var box = await _lab.CreateBoxAsync();
        var sample = await _lab.ValidatedSampleAsync();
        (await _lab.PlaceAsync(sample.Id, box.Id, "D4")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var guest = await _lab.AsAsync("guest");
        using var rack = JsonDocument.Parse(await guest.GetStringAsync($"/api/storage/locations/{box.ParentId}"));
        var freezer = rack.RootElement.GetProperty("parentId").GetGuid();

        var inFreezer = (await guest.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?locationId={freezer}", SampleLab.Json))!;

        inFreezer.Items.Select(i => i.Id).ShouldBe([sample.Id]);
    }

    [Fact]
    public async Task Stats_count_by_status_and_type_with_every_status_present()
    {
        var project = SampleLab.Unique("STAT");
        var rna = await _lab.CreateBatchAsync(3, project, "rna");
        await _lab.CreateBatchAsync(2, project, "plasma");
        await _lab.BulkMoveAsync([rna[0]], "rejected");
        using var guest = await _lab.AsAsync("guest");

        using var stats = JsonDocument.Parse(await guest.GetStringAsync($"/api/samples/stats?projectCode={project}"));

        stats.RootElement.GetProperty("total").GetInt64().ShouldBe(5);
        var byStatus = stats.RootElement.GetProperty("byStatus");
        (byStatus.GetProperty("pending").GetInt64(), byStatus.GetProperty("rejected").GetInt64(), byStatus.GetProperty("archived").GetInt64())
            .ShouldBe((4L, 1L, 0L));
        byStatus.EnumerateObject().Count().ShouldBe(10);
        var byType = stats.RootElement.GetProperty("byType");
        (byType.GetProperty("rna").GetInt64(), byType.GetProperty("plasma").GetInt64(), byType.GetProperty("dna").GetInt64()).ShouldBe((3L, 2L, 0L));
    }

    [Fact]
    public async Task Export_streams_the_filtered_samples_as_csv()
    {
        var project = SampleLab.Unique("CSV");
        var dna = await _lab.CreateSampleAsync(new
        {
            name = "=HYPERLINK(\"http://evil\")", sampleType = "dna", projectCode = project, volume = 12.5, notes = "line one\nline \"two\", three",
            metadata = new { donor = "D-1" },
        });
        var second = await _lab.CreateSampleAsync(new { name = "Plain", sampleType = "dna", projectCode = project });
        await _lab.CreateSampleAsync(new { name = "Other type", sampleType = "rna", projectCode = project });
        using var guest = await _lab.AsAsync("guest");

        using var response = await guest.GetAsync($"/api/samples/export?format=csv&projectCode={project}&type=dna&sort=name",
            HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentLength.ShouldBeNull(); // streamed, not buffered whole
        var rows = ParseCsv(await response.Content.ReadAsStringAsync());
        rows[0].ShouldBe(["id", "barcode", "name", "sampleType", "status", "projectCode", "submissionId", "templateId", "templateVersion",
            "volume", "concentration", "qualityScore", "collectedAt", "receivedAt", "locationBarcode", "position", "locationPath", "notes",
            "metadata", "createdBy", "createdAt", "updatedAt"]);
        rows.Count.ShouldBe(3);
        rows[1][0].ShouldBe(dna.Id.ToString()); // "=" sorts before "P"
        rows[1][2].ShouldBe("'=HYPERLINK(\"http://evil\")"); // defused for spreadsheets
        rows[1][9].ShouldBe("12.5");
        rows[1][17].ShouldBe("line one\nline \"two\", three");
        JsonDocument.Parse(rows[1][18]).RootElement.GetProperty("donor").GetString().ShouldBe("D-1");
        rows[2][1].ShouldBe(second.Barcode);
    }

    /// <summary>RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; rows end with CRLF.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (quoted && c == '"' && next == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (!quoted && c == '\r' && next == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else
            {
                field.Append(c);
            }
        }
        return rows;
    }
}
