using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClosedXML.Excel;
using CsvHelper;
using Npgsql;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Templates;

public sealed record FieldInfo(string Key, string? Label, string Type, bool Required, IReadOnlyList<string> Options,
    decimal? Min, decimal? Max, int? MaxLength, string? Pattern, string? Unit, string? MapsTo);

public sealed record TemplateInfo(Guid Id, Guid LineageId, int Version, string Name, string? Description, string? Category,
    string Status, IReadOnlyList<FieldInfo> Fields, Guid CreatedBy, DateTime CreatedAt, DateTime UpdatedAt, DateTime? PublishedAt);

public sealed record ReportError(int Row, string Column, string? Value, string Message);

public sealed record SubmissionReport(Guid SubmissionId, Guid TemplateId, int TemplateVersion, int Rows, int Accepted, int Rejected,
    IReadOnlyList<ReportError> Errors, int ErrorsOmitted, IReadOnlyList<Guid> SampleIds, string Outcome, bool DryRun,
    string FileName, Guid SubmittedBy, DateTime SubmittedAt, DateTime? CompletedAt);

/// <summary>
/// What the template tests share: a plate template the way a lab would define it, sheets built with the same
/// libraries labs' tools use (CsvHelper for CSV, ClosedXML for XLSX), and uploads through the gateway.
/// </summary>
public sealed class TemplateLab(AppHostFixture fixture)
{
    public static readonly JsonSerializerOptions Json = AuthApiClient.Json;
    public static readonly string[] Headers =
        ["Sample_Name", "Sample_Type", "Barcode", "Volume_uL", "Concentration_ng_uL", "Collected", "Project", "Replicate", "Passed_QC", "Notes", "Donor"];

    public SampleLab Samples { get; } = new(fixture);

    /// <summary>The project codes the sheets of these tests name: made, with the lab's users as members, before anyone submits.</summary>
    public static readonly string[] SheetProjects = ["ABC-123", "ONC-123", "XL-001"];

    public async Task<HttpClient> AsAsync(string role)
    {
        foreach (var code in SheetProjects)
        {
            await Samples.ProjectAsync(code);
        }
        return await Samples.AsAsync(role);
    }

    /// <summary>Ten typed columns mapped onto sample properties, plus whatever a sheet adds (Donor goes to metadata).</summary>
    public static object PlateTemplate(string? name = null) => new
    {
        name = name ?? $"Plate submission {Guid.NewGuid():N}"[..30],
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
    };

    public async Task<TemplateInfo> CreateTemplateAsync(object? body = null, bool publish = true)
    {
        using var pi = await AsAsync("principal_investigator");
        using var created = await pi.PostAsJsonAsync("/api/templates", body ?? PlateTemplate());
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var template = (await created.Content.ReadFromJsonAsync<TemplateInfo>(Json))!;
        if (!publish)
        {
            return template;
        }
        using var published = await pi.PostAsync($"/api/templates/{template.Id}/publish", null);
        published.StatusCode.ShouldBe(HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
        return (await published.Content.ReadFromJsonAsync<TemplateInfo>(Json))!;
    }

    /// <summary>A correct row: unique barcode, plausible numbers, an ISO date.</summary>
    public static string[] GoodRow(int i, string barcodePrefix) =>
    [
        $"Plate1-{i:D2}", i % 2 == 0 ? "dna" : "rna", $"{barcodePrefix}-{i:D3}", "25.5", "12.75", "2024-03-05", "ABC-123",
        (i % 3 + 1).ToString(CultureInfo.InvariantCulture), i % 2 == 0 ? "yes" : "FALSE", "", $"D-{i:D4}",
    ];

    public static byte[] Csv(IEnumerable<string[]> rows, char separator = ',', bool bom = false, IReadOnlyList<string>? headers = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(bom)))
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { Separator = separator, NewLine = "\r\n" }))
        {
            csv.WriteRecord([.. headers ?? Headers]);
            foreach (var row in rows)
            {
                csv.WriteRecord(row);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>An XLSX as Excel users make it: numbers as numbers, dates as date cells (or bare serials).</summary>
    public static byte[] Xlsx(IEnumerable<object?[]> rows, IReadOnlyList<string>? headers = null)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add("Samples");
        var h = headers ?? Headers;
        for (var c = 0; c < h.Count; c++)
        {
            sheet.Cell(1, c + 1).Value = h[c];
        }
        var r = 2;
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                var cell = sheet.Cell(r, c + 1);
                switch (row[c])
                {
                    case null: break;
                    case DateTime date: cell.Value = date; cell.Style.DateFormat.Format = "dd.mm.yyyy"; break;
                    case double number: cell.Value = number; break;
                    case int number: cell.Value = number; break;
                    case bool flag: cell.Value = flag; break;
                    case string text: cell.SetValue(text); break;
                }
            }
            r++;
        }
        using var buffer = new MemoryStream();
        workbook.SaveAs(buffer);
        return buffer.ToArray();
    }

    public async Task<HttpResponseMessage> SubmitAsync(byte[] file, string fileName, Guid templateId, bool dryRun = false,
        string role = "research_scientist", string? idempotencyKey = null, HttpClient? client = null, string? projectCode = null)
    {
        var owned = client is null;
        client ??= await AsAsync(role);
        try
        {
            using var form = new MultipartFormDataContent();
            var content = new ByteArrayContent(file);
            content.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".xlsx", StringComparison.Ordinal)
                ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv");
            form.Add(content, "file", fileName);
            form.Add(new StringContent(templateId.ToString()), "templateId");
            if (dryRun)
            {
                form.Add(new StringContent("true"), "dryRun");
            }
            if (projectCode is not null)
            {
                form.Add(new StringContent(projectCode), "projectCode");
            }
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/submissions") { Content = form };
            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }
            return await client.SendAsync(request);
        }
        finally
        {
            if (owned)
            {
                client.Dispose();
            }
        }
    }

    public static async Task<SubmissionReport> ReportAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, body);
        return JsonSerializer.Deserialize<SubmissionReport>(body, Json)!;
    }

    public async Task<long> SamplesOfSubmissionAsync(Guid submissionId) =>
        await CountAsync("SELECT count(*) FROM samples WHERE submission_id = @id", submissionId);

    public async Task<long> CountAsync(string sql, Guid id)
    {
        await using var db = await Samples.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<NpgsqlConnection> OpenTemplatesDatabaseAsync()
    {
        var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("templatesdb"));
        await connection.OpenAsync();
        return connection;
    }
}
