using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// Scenario 4: a 10,000-row CSV sheet submitted end to end through the gateway (<c>POST /api/submissions</c>:
/// multipart upload, Templates parses and validates every row against a published template, then Samples' batch
/// endpoint writes samples and audit events), timed until the 201 report has been read.
/// </summary>
public sealed class SubmissionScenario(int rows) : IBenchmarkScenario
{
    public static readonly string[] Headers =
        ["Sample_Name", "Sample_Type", "Barcode", "Volume_uL", "Concentration_ng_uL", "Collected", "Project", "Replicate", "Passed_QC", "Notes", "Donor"];

    private static readonly string Prefix = $"SUB{Guid.NewGuid():N}"[..9].ToUpperInvariant();

    private HttpClient? _gateway;
    private Guid _templateId;

    public string Name => $"`POST /api/submissions` through the gateway ({rows:N0}-row CSV)";

    public long ItemsPerRun => rows;

    public string? Notes => null;

    /// <summary>The sheet of one run: the same shape every run, new barcodes (a barcode is unique).</summary>
    public static byte[] Sheet(int rows, int run, string prefix)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', Headers)).Append("\r\n");
        for (var i = 1; i <= rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"Plate{i / 96 + 1}-{i % 96:D2},{(i % 2 == 0 ? "dna" : "rna")},{prefix}-{run + 100:D3}-{i:D5},25.5,12.75,2024-03-05,ABC-123," +
                $"{i % 3 + 1},{(i % 2 == 0 ? "yes" : "FALSE")},,D-{i % 977:D4}\r\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public async Task PrepareAsync(BenchmarkHost host, CancellationToken ct)
    {
        await host.SignInAsync(ct);
        _gateway = host.Client("gateway");
        using var created = await _gateway.PostAsJsonAsync("/api/templates", new
        {
            name = $"Bench plate {Guid.NewGuid():N}"[..24],
            description = "96-well plate of extracted nucleic acids",
            category = "sequencing",
            fields = new object[]
            {
                new { key = "Sample_Name", label = "Sample name", type = "text", required = true, maxLength = 50, mapsTo = "name" },
                new { key = "Sample_Type", type = "select", required = true, options = new[] { "dna", "rna", "blood" }, mapsTo = "sampleType" },
                new { key = "Barcode", type = "text", mapsTo = "barcode" },
                new { key = "Volume_uL", type = "decimal", min = 0, max = 500, unit = "µL", mapsTo = "volume" },
                new { key = "Concentration_ng_uL", type = "decimal", min = 0, unit = "ng/µL", mapsTo = "concentration" },
                new { key = "Collected", type = "date", mapsTo = "collectedAt" },
                new { key = "Project", type = "text", pattern = "[A-Z]{2,5}-[0-9]{3}", mapsTo = "projectCode" },
                new { key = "Replicate", type = "integer", min = 1, max = 3 },
                new { key = "Passed_QC", type = "boolean" },
                new { key = "Notes", type = "text", mapsTo = "notes" },
            },
        }, ct);
        var body = await created.Content.ReadAsStringAsync(ct);
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating the template answered {(int)created.StatusCode}: {body}");
        }
        _templateId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
        using var published = await _gateway.PostAsync($"/api/templates/{_templateId}/publish", null, ct);
        published.EnsureSuccessStatusCode();
    }

    public async Task<TimeSpan> RunOnceAsync(int run, CancellationToken ct)
    {
        var sheet = Sheet(rows, run, Prefix);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(sheet);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "plate.csv");
        form.Add(new StringContent(_templateId.ToString()), "templateId");

        var clock = Stopwatch.StartNew();
        using var response = await _gateway!.PostAsync("/api/submissions", form, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);
        clock.Stop();

        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"The submission answered {(int)response.StatusCode}: {answer[..Math.Min(answer.Length, 2000)]}");
        }
        if (JsonDocument.Parse(answer).RootElement.GetProperty("accepted").GetInt32() != rows)
        {
            throw new InvalidOperationException("The submission did not accept every row.");
        }
        return clock.Elapsed;
    }
}
