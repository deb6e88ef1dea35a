using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Samples;

/// <summary>
/// Requests a client gets wrong, each answered with the right 4xx (never a 5xx) and leaving the database exactly as it
/// was: samples, their versions, events, locations and idempotency records.
/// </summary>
[Collection(SamplesServiceCollection.Name)]
public sealed class MalformedSampleRequestTests(SamplesService fixture)
{
    private readonly SampleLab _lab = new(fixture);

    /// <summary>One bad request: placeholders {pending}, {validated}, {box}, {freezer} name things made once for all cases.</summary>
    public sealed record Case(
        HttpStatusCode Expected, string Role, string Method, string Path, string? Body,
        string ContentType = "application/json", (string Name, string Value)? Header = null, string Resource = "gateway");

    private static readonly string Long = new('x', 5000);
    private static readonly string Huge = new('a', 10 * 1024 * 1024);
    private static readonly string ManyKeys = JsonSerializer.Serialize(Enumerable.Range(0, 101).ToDictionary(i => $"k{i}", i => i));
    private static readonly string BigMetadata = JsonSerializer.Serialize(new { blob = new string('m', 17_000) });
    private static readonly string TooManyIds = JsonSerializer.Serialize(Enumerable.Range(0, 10_001).Select(_ => Guid.NewGuid()));
    private const string Scientist = "research_scientist";
    private const string Technician = "lab_technician";
    private const HttpStatusCode Bad = HttpStatusCode.BadRequest;

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // POST /api/samples
        ["create: empty body"] = new(Bad, Scientist, "POST", "/api/samples", ""),
        ["create: malformed JSON"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", """),
        ["create: JSON array"] = new(Bad, Scientist, "POST", "/api/samples", "[]"),
        ["create: JSON string"] = new(Bad, Scientist, "POST", "/api/samples", "\"a sample\""),
        ["create: name is a number"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": 5, "sampleType": "dna"}"""),
        ["create: no name"] = new(Bad, Scientist, "POST", "/api/samples", """{"sampleType": "dna"}"""),
        ["create: blank name"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "   ", "sampleType": "dna"}"""),
        ["create: name too long"] = new(Bad, Scientist, "POST", "/api/samples", $$"""{"name": "{{new string('n', 201)}}", "sampleType": "dna"}"""),
        // Straight to Samples: Samples has its own 1 MiB body limit too, not only the gateway.
        ["create: ten-megabyte name"] = new(HttpStatusCode.RequestEntityTooLarge, Scientist, "POST", "/api/samples",
            $$"""{"name": "{{Huge}}", "sampleType": "dna"}""", Resource: "samples"),
        ["create: ten-megabyte name through the gateway"] = new(HttpStatusCode.RequestEntityTooLarge, Scientist, "POST", "/api/samples",
            $$"""{"name": "{{Huge}}", "sampleType": "dna"}"""),
        ["create: no sample type"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x"}"""),
        ["create: unknown sample type"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "serum"}"""),
        ["create: sample type in capitals"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "DNA"}"""),
        ["create: lower-case barcode"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna", "barcode": "ab-1234"}"""),
        ["create: barcode too long"] = new(Bad, Scientist, "POST", "/api/samples",
            $$"""{"name": "x", "sampleType": "dna", "barcode": "{{new string('B', 51)}}"}"""),
        ["create: reserved barcode shape"] = new(Bad, Scientist, "POST", "/api/samples",
            """{"name": "x", "sampleType": "dna", "barcode": "TS-DNA-250101-00042"}"""),
        ["create: negative volume"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna", "volume": -1}"""),
        ["create: volume beyond a litre"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna", "volume": 10000000}"""),
        ["create: volume as text"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna", "volume": "ten"}"""),
        ["create: negative concentration"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna", "concentration": -0.5}"""),
        ["create: quality score over 100"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna", "qualityScore": 101}"""),
        ["create: project code with a space"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna", "projectCode": "ONC 7"}"""),
        ["create: collected next year"] = new(Bad, Scientist, "POST", "/api/samples",
            $$"""{"name": "x", "sampleType": "dna", "collectedAt": "{{DateTime.UtcNow.AddYears(1):O}}"}"""),
        ["create: collected 'yesterday'"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna", "collectedAt": "yesterday"}"""),
        ["create: notes too long"] = new(Bad, Scientist, "POST", "/api/samples", $$"""{"name": "x", "sampleType": "dna", "notes": "{{Long}}"}"""),
        ["create: metadata is an array"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna", "metadata": [1, 2]}"""),
        ["create: metadata is a string"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna", "metadata": "donor=1"}"""),
        ["create: metadata too big"] = new(Bad, Scientist, "POST", "/api/samples", $$"""{"name": "x", "sampleType": "dna", "metadata": {{BigMetadata}}}"""),
        ["create: metadata with 101 keys"] = new(Bad, Scientist, "POST", "/api/samples", $$"""{"name": "x", "sampleType": "dna", "metadata": {{ManyKeys}}}"""),
        ["create: plain text body"] = new(HttpStatusCode.UnsupportedMediaType, Scientist, "POST", "/api/samples", "name=x", "text/plain"),
        ["create: XML body"] = new(HttpStatusCode.UnsupportedMediaType, Scientist, "POST", "/api/samples", "<sample><name>x</name></sample>",
            "application/xml"),
        ["create: idempotency key with a space"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna"}""",
            Header: ("Idempotency-Key", "my key")),
        ["create: idempotency key too long"] = new(Bad, Scientist, "POST", "/api/samples", """{"name": "x", "sampleType": "dna"}""",
            Header: ("Idempotency-Key", new string('k', 201))),

        // PATCH /api/samples/{id}
        ["edit: empty object"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", "{}"),
        ["edit: array"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", "[]"),
        ["edit: status"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", """{"status": "completed"}"""),
        ["edit: unknown field"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", """{"colour": "blue"}"""),
        ["edit: name cleared"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", """{"name": null}"""),
        ["edit: volume as text"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", """{"volume": "x"}"""),
        ["edit: metadata array"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", """{"metadata": [1]}"""),
        ["edit: unknown sample type"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", """{"sampleType": "serum"}"""),
        ["edit: collected at as a number"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", """{"collectedAt": 20250101}"""),
        ["edit: bad barcode"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", """{"barcode": "bad code"}"""),
        ["edit: field given twice"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", """{"notes": "a", "notes": "b"}"""),
        ["edit: malformed If-Match"] = new(Bad, Technician, "PATCH", "/api/samples/{pending}", """{"notes": "x"}""", Header: ("If-Match", "3")),
        ["edit: missing sample"] = new(HttpStatusCode.NotFound, Technician, "PATCH", $"/api/samples/{Guid.NewGuid()}", """{"notes": "x"}"""),

        // POST /api/samples/{id}/status
        ["status: no target"] = new(Bad, Technician, "POST", "/api/samples/{pending}/status", "{}"),
        ["status: unknown target"] = new(Bad, Technician, "POST", "/api/samples/{pending}/status", """{"to": "lost"}"""),
        ["status: rejected without reason"] = new(Bad, Technician, "POST", "/api/samples/{pending}/status", """{"to": "rejected"}"""),
        ["status: reason too long"] = new(Bad, Technician, "POST", "/api/samples/{pending}/status", $$"""{"to": "rejected", "reason": "{{Long}}"}"""),
        ["status: pending to completed"] = new(HttpStatusCode.Conflict, Technician, "POST", "/api/samples/{pending}/status", """{"to": "completed"}"""),
        ["status: missing sample"] = new(HttpStatusCode.NotFound, Technician, "POST", $"/api/samples/{Guid.NewGuid()}/status", """{"to": "received"}"""),
        ["status: id that is not an id"] = new(HttpStatusCode.NotFound, Technician, "POST", "/api/samples/not-an-id/status", """{"to": "received"}"""),

        // POST /api/samples/bulk/status
        ["bulk: no ids"] = new(Bad, Technician, "POST", "/api/samples/bulk/status", """{"ids": [], "to": "received"}"""),
        ["bulk: ids not a list"] = new(Bad, Technician, "POST", "/api/samples/bulk/status", """{"ids": "all", "to": "received"}"""),
        ["bulk: repeated id"] = new(Bad, Technician, "POST", "/api/samples/bulk/status", """{"ids": ["{pending}", "{pending}"], "to": "received"}"""),
        ["bulk: too many ids"] = new(Bad, Technician, "POST", "/api/samples/bulk/status", $$"""{"ids": {{TooManyIds}}, "to": "received"}"""),
        ["bulk: one unknown id"] = new(HttpStatusCode.NotFound, Technician, "POST", "/api/samples/bulk/status",
            $$"""{"ids": ["{pending}", "{{Guid.NewGuid()}}"], "to": "received"}"""),
        ["bulk: one sample may not move"] = new(HttpStatusCode.Conflict, Technician, "POST", "/api/samples/bulk/status",
            """{"ids": ["{pending}", "{validated}"], "to": "received"}"""),

        // PUT /api/samples/{id}/location
        ["place: no location"] = new(Bad, Technician, "PUT", "/api/samples/{validated}/location", """{"position": "A1"}"""),
        ["place: outside the box"] = new(Bad, Technician, "PUT", "/api/samples/{validated}/location", """{"locationId": "{box}", "position": "Z99"}"""),
        ["place: box without position"] = new(Bad, Technician, "PUT", "/api/samples/{validated}/location", """{"locationId": "{box}"}"""),
        ["place: position in a freezer"] = new(Bad, Technician, "PUT", "/api/samples/{validated}/location",
            """{"locationId": "{freezer}", "position": "A1"}"""),
        ["place: unknown location"] = new(Bad, Technician, "PUT", "/api/samples/{validated}/location",
            $$"""{"locationId": "{{Guid.NewGuid()}}", "position": "A1"}"""),
        ["place: pending sample"] = new(HttpStatusCode.Conflict, Technician, "PUT", "/api/samples/{pending}/location",
            """{"locationId": "{box}", "position": "A1"}"""),

        // /api/storage/locations
        ["location: no name"] = new(Bad, Technician, "POST", "/api/storage/locations", """{"kind": "room"}"""),
        ["location: unknown kind"] = new(Bad, Technician, "POST", "/api/storage/locations", """{"name": "x", "kind": "cupboard"}"""),
        ["location: box without size"] = new(Bad, Technician, "POST", "/api/storage/locations", """{"name": "x", "kind": "box"}"""),
        ["location: freezer with rows"] = new(Bad, Technician, "POST", "/api/storage/locations",
            """{"name": "x", "kind": "freezer", "rows": 2, "columns": 2}"""),
        ["location: 27 rows"] = new(Bad, Technician, "POST", "/api/storage/locations", """{"name": "x", "kind": "box", "rows": 27, "columns": 2}"""),
        ["location: room inside a freezer"] = new(Bad, Technician, "POST", "/api/storage/locations",
            """{"name": "x", "kind": "room", "parentId": "{freezer}"}"""),
        ["location: unknown parent"] = new(Bad, Technician, "POST", "/api/storage/locations",
            $$"""{"name": "x", "kind": "rack", "parentId": "{{Guid.NewGuid()}}"}"""),
        ["location: reserved barcode"] = new(Bad, Technician, "POST", "/api/storage/locations", """{"name": "x", "kind": "room", "barcode": "LOC-00001"}"""),
        ["location: colder than absolute zero"] = new(Bad, Technician, "POST", "/api/storage/locations",
            """{"name": "x", "kind": "freezer", "temperature": -300}"""),
        ["location: kind change"] = new(Bad, Technician, "PATCH", "/api/storage/locations/{box}", """{"kind": "rack"}"""),
        ["location: inside itself"] = new(Bad, Technician, "PATCH", "/api/storage/locations/{freezer}", """{"parentId": "{freezer}"}"""),
        ["location: missing"] = new(HttpStatusCode.NotFound, Technician, "PATCH", $"/api/storage/locations/{Guid.NewGuid()}", """{"name": "x"}"""),

        // Reads with bad parameters
        ["list: page size 0"] = new(Bad, "guest", "GET", "/api/samples?pageSize=0", null),
        ["list: page size 501"] = new(Bad, "guest", "GET", "/api/samples?pageSize=501", null),
        ["list: page not a number"] = new(Bad, "guest", "GET", "/api/samples?page=abc", null),
        ["list: unknown status"] = new(Bad, "guest", "GET", "/api/samples?status=pending,lost", null),
        ["list: unknown type"] = new(Bad, "guest", "GET", "/api/samples?type=serum", null),
        ["list: unknown sort"] = new(Bad, "guest", "GET", "/api/samples?sort=colour", null),
        ["list: from after to"] = new(Bad, "guest", "GET", "/api/samples?from=2025-02-01&to=2025-01-01", null),
        ["list: q too long"] = new(Bad, "guest", "GET", $"/api/samples?q={new string('q', 201)}", null),
        ["list: location not an id"] = new(Bad, "guest", "GET", "/api/samples?locationId=freezer-1", null),
        ["export: xlsx"] = new(Bad, "guest", "GET", "/api/samples/export?format=xlsx", null),
        ["events: page size 0"] = new(Bad, "guest", "GET", "/api/samples/{pending}/events?pageSize=0", null),
        ["locations: unknown kind"] = new(Bad, "guest", "GET", "/api/storage/locations?kind=cupboard", null),

        // POST /internal/samples/batch (straight to Samples, as Templates calls it)
        ["batch: no idempotency key"] = new(Bad, Scientist, "POST", "/internal/samples/batch", BatchBody(), Resource: "samples"),
        ["batch: key is not the submission"] = new(Bad, Scientist, "POST", "/internal/samples/batch", BatchBody(),
            Header: ("Idempotency-Key", Guid.NewGuid().ToString()), Resource: "samples"),
        ["batch: no samples"] = new(Bad, Scientist, "POST", "/internal/samples/batch", BatchBody(samples: "[]"),
            Header: ("Idempotency-Key", BatchSubmission.ToString()), Resource: "samples"),
        ["batch: a null sample"] = new(Bad, Scientist, "POST", "/internal/samples/batch", BatchBody(samples: """[{"name": "a", "sampleType": "dna"}, null]"""),
            Header: ("Idempotency-Key", BatchSubmission.ToString()), Resource: "samples"),
        ["batch: template version 0"] = new(Bad, Scientist, "POST", "/internal/samples/batch", BatchBody(version: 0),
            Header: ("Idempotency-Key", BatchSubmission.ToString()), Resource: "samples"),
    };

    private static readonly Guid BatchSubmission = Guid.NewGuid();

    private static string BatchBody(string samples = """[{"name": "a", "sampleType": "dna"}]""", int version = 1) =>
        $$"""{"submissionId": "{{BatchSubmission}}", "templateId": "{{Guid.NewGuid()}}", "templateVersion": {{version}}, "samples": {{samples}}}""";

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    private static readonly ConcurrentDictionary<SamplesService, Lazy<Task<Dictionary<string, string>>>> Things = new();

    [Fact]
    public void There_are_at_least_fifty_cases() => Cases.Count.ShouldBeGreaterThanOrEqualTo(50);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_malformed_request_is_a_4xx_problem_and_writes_nothing(string name)
    {
        var c = Cases[name];
        var things = await Things.GetOrAdd(fixture, _ => new Lazy<Task<Dictionary<string, string>>>(ArrangeAsync)).Value;
        string Fill(string text) => things.Aggregate(text, (t, thing) => t.Replace(thing.Key, thing.Value, StringComparison.Ordinal));
        var before = await FingerprintAsync();
        using var client = await _lab.AsAsync(c.Role, c.Resource);
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), Fill(c.Path));
        if (c.Body is not null)
        {
            request.Content = new StringContent(Fill(c.Body), Encoding.UTF8, c.ContentType);
        }
        if (c.Header is { } header)
        {
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }
        if (c.Path.StartsWith("/internal/", StringComparison.Ordinal))
        {
            await ServiceIdentityHeader.SignAsync(request);
        }

        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(c.Expected, body.Length > 2000 ? body[..2000] : body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await FingerprintAsync()).ShouldBe(before);
    }

    /// <summary>A pending sample, a validated one, a freezer and an 8 × 12 box in it.</summary>
    private async Task<Dictionary<string, string>> ArrangeAsync()
    {
        var pending = await _lab.CreateSampleAsync();
        var validated = await _lab.ValidatedSampleAsync();
        var box = await _lab.CreateBoxAsync();
        using var guest = await _lab.AsAsync("guest");
        using var rack = JsonDocument.Parse(await guest.GetStringAsync($"/api/storage/locations/{box.ParentId}"));
        return new()
        {
            ["{pending}"] = pending.Id.ToString(),
            ["{validated}"] = validated.Id.ToString(),
            ["{box}"] = box.Id.ToString(),
            ["{freezer}"] = rack.RootElement.GetProperty("parentId").GetGuid().ToString(),
        };
    }

    /// <summary>Everything a request could have written, in one line.</summary>
    private async Task<string> FingerprintAsync()
    {
        await using var db = await _lab.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT concat_ws(' / ',
                (SELECT count(*) FROM samples), (SELECT coalesce(sum(version), 0) FROM samples),
                (SELECT count(*) FROM sample_events),
                (SELECT count(*) FROM storage_locations), (SELECT max(updated_at) FROM storage_locations),
                (SELECT count(*) FROM idempotency_records))
            """, db);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
