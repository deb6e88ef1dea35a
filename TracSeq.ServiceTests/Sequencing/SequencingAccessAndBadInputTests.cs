using System.Net;
using System.Text;
using TracSeq.ServiceTests.Infrastructure;
using TracSeq.ServiceTests.Samples;

namespace TracSeq.ServiceTests.Sequencing;

/// <summary>
/// Who may call which sequencing route (reading: anyone signed in; index kits: principal investigator and above;
/// libraries, index checks and QC: lab technician and above; pools and runs, which mix projects: facility staff), and requests a client gets wrong, each
/// answered with the right 4xx naming the field, never a 5xx, and writing nothing.
/// </summary>
[Collection(SequencingServiceCollection.Name)]
public sealed class SequencingAccessAndBadInputTests(SequencingService fixture)
{
    private readonly SequencingLab _lab = new(fixture);
    private static readonly Guid Nobody = Guid.Parse("0b0b0b0b-0000-4000-8000-00000000dead");

    /// <summary>Facility staff only (lab technicians and administrators; not principal investigators).</summary>
    private const string Facility = "facility";

    public static TheoryData<string, string, string> Writes => new()
    {
        { "POST", "/api/index-kits", "principal_investigator" },
        { "POST", "/api/libraries", "lab_technician" },
        { "PATCH", $"/api/libraries/{Nobody}", "lab_technician" },
        { "POST", $"/api/libraries/{Nobody}/status", "lab_technician" },
        { "POST", "/api/index-checks", "lab_technician" },
        { "POST", "/api/pools", Facility },
        { "POST", "/api/runs", Facility },
        { "POST", $"/api/runs/{Nobody}/status", Facility },
        { "POST", "/api/qc", "lab_technician" },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Writes_are_refused_below_their_role_and_reach_validation_from_it(string method, string path, string minimum)
    {
        var before = await _lab.CountsAsync();
        var allowed = minimum == Facility ? ["lab_technician", "lab_administrator"] : SampleLab.Roles.SkipWhile(r => r != minimum).ToHashSet();
        var answers = new Dictionary<string, HttpStatusCode>();
        foreach (var role in SampleLab.Roles)
        {
            using var client = await _lab.AsAsync(role);
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request);
            answers[role] = response.StatusCode;
        }
        using var anonymous = fixture.CreateClient("gateway");
        using var unsigned = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json")
        });

        answers.ShouldBe(SampleLab.Roles.ToDictionary(r => r, r => allowed.Contains(r) ? HttpStatusCode.BadRequest : HttpStatusCode.Forbidden));
        unsigned.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _lab.CountsAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("/api/index-kits", HttpStatusCode.OK)]
    [InlineData("/api/libraries", HttpStatusCode.OK)]
    [InlineData("/api/pools", HttpStatusCode.OK)]
    [InlineData("/api/runs", HttpStatusCode.OK)]
    [InlineData("/api/qc", HttpStatusCode.OK)]
    [InlineData("/api/index-kits/0b0b0b0b-0000-4000-8000-00000000dead", HttpStatusCode.NotFound)]
    [InlineData("/api/libraries/0b0b0b0b-0000-4000-8000-00000000dead", HttpStatusCode.NotFound)]
    [InlineData("/api/libraries/0b0b0b0b-0000-4000-8000-00000000dead/events", HttpStatusCode.NotFound)]
    [InlineData("/api/pools/0b0b0b0b-0000-4000-8000-00000000dead", HttpStatusCode.NotFound)]
    [InlineData("/api/runs/0b0b0b0b-0000-4000-8000-00000000dead", HttpStatusCode.NotFound)]
    [InlineData("/api/runs/0b0b0b0b-0000-4000-8000-00000000dead/samplesheet", HttpStatusCode.NotFound)]
    public async Task Every_signed_in_role_reads_and_nobody_without_a_token(string path, HttpStatusCode expected)
    {
        foreach (var role in SampleLab.Roles)
        {
            using var client = await _lab.AsAsync(role);
            using var response = await client.GetAsync(path);
            response.StatusCode.ShouldBe(expected, role);
        }
        using var anonymous = fixture.CreateClient("gateway");
        (await anonymous.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    /// <summary>One bad request: {library} and {pool} and {run} name things made once for all cases.</summary>
    public sealed record Case(HttpStatusCode Expected, string Method, string Path, string Body, string? Field, string ContentType = "application/json");

    private const HttpStatusCode Bad = HttpStatusCode.BadRequest;

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["library: malformed JSON"] = new(Bad, "POST", "/api/libraries", """{"sampleId": """, null),
        ["library: JSON array"] = new(Bad, "POST", "/api/libraries", "[]", null),
        ["library: sampleId not a uuid"] = new(Bad, "POST", "/api/libraries", """{"sampleId": "S-1", "index": {"index1": "ACGTACGT"}}""", null),
        ["library: unknown sample"] = new(Bad, "POST", "/api/libraries", $$$"""{"sampleId": "{{{Nobody}}}", "index": {"index1": "ACGTACGT"}}""", "sampleId"),
        ["library: no index"] = new(Bad, "POST", "/api/libraries", """{"sampleId": "{sample}"}""", "index"),
        ["library: non-ACGT index1"] = new(Bad, "POST", "/api/libraries", """{"sampleId": "{sample}", "index": {"index1": "ACGUACGT"}}""", "index.index1"),
        ["library: index2 too short"] = new(Bad, "POST", "/api/libraries", """{"sampleId": "{sample}", "index": {"index1": "ACGTACGT", "index2": "ACG"}}""",
            "index.index2"),
        ["library: index1 too long"] = new(Bad, "POST", "/api/libraries", """{"sampleId": "{sample}", "index": {"index1": "ACGTACGTACGTACGTACGTACGTA"}}""",
            "index.index1"),
        ["library: unknown kit"] = new(Bad, "POST", "/api/libraries", $$$"""{"sampleId": "{sample}", "index": {"kitId": "{{{Nobody}}}", "well": "A01"}}""",
            "index.kitId"),
        ["library: well outside the kit"] = new(Bad, "POST", "/api/libraries", """{"sampleId": "{sample}", "index": {"kitId": "{kit}", "well": "P24"}}""",
            "index.well"),
        ["library: kit and custom together"] = new(Bad, "POST", "/api/libraries",
            """{"sampleId": "{sample}", "index": {"kitId": "{kit}", "well": "A01", "index1": "ACGTACGT"}}""", "index.index1"),
        ["library: negative size"] = new(Bad, "POST", "/api/libraries", """{"sampleId": "{sample}", "fragmentSizeBp": -5, "index": {"index1": "ACGTACGT"}}""",
            "fragmentSizeBp"),
        ["library: concentration as text"] = new(Bad, "POST", "/api/libraries",
            """{"sampleId": "{sample}", "concentrationNgUl": "high", "index": {"index1": "ACGTACGT"}}""", null),
        ["library: plain text"] = new(HttpStatusCode.UnsupportedMediaType, "POST", "/api/libraries", "sampleId=1", null, "text/plain"),
        ["library edit: empty"] = new(Bad, "PATCH", "/api/libraries/{library}", "{}", "body"),
        ["library edit: blank name"] = new(Bad, "PATCH", "/api/libraries/{library}", """{"name": "  "}""", "name"),
        ["library edit: non-ACGT index"] = new(Bad, "PATCH", "/api/libraries/{library}", """{"index": {"index1": "NNNNNNNN"}}""", "index.index1"),
        ["library edit: unknown library"] = new(HttpStatusCode.NotFound, "PATCH", $"/api/libraries/{Nobody}", """{"name": "x"}""", null),
        ["library status: sequenced by hand"] = new(Bad, "POST", "/api/libraries/{library}/status", """{"to": "sequenced", "reason": "x"}""", "to"),
        ["library status: unknown library"] = new(HttpStatusCode.NotFound, "POST", $"/api/libraries/{Nobody}/status", """{"to": "failed", "reason": "x"}""",
            null),
        ["check: neither entries nor ids"] = new(Bad, "POST", "/api/index-checks", """{"barcodeMismatchesIndex1": 1}""", "entries"),
        ["check: mismatches 3"] = new(Bad, "POST", "/api/index-checks", """{"barcodeMismatchesIndex1": 3, "entries": []}""", "barcodeMismatchesIndex1"),
        ["check: non-ACGT entry"] = new(Bad, "POST", "/api/index-checks", """{"entries": [{"id": "a", "index1": "ACGTXCGT"}]}""", "entries[0].index1"),
        ["check: entry without id"] = new(Bad, "POST", "/api/index-checks", """{"entries": [{"index1": "ACGTACGT"}]}""", "entries[0].id"),
        ["check: unknown library"] = new(Bad, "POST", "/api/index-checks", $$"""{"libraryIds": ["{{Nobody}}"]}""", "libraryIds[0]"),
        ["check: mismatches as text"] = new(Bad, "POST", "/api/index-checks", """{"barcodeMismatchesIndex1": "one", "entries": []}""", null),
        ["pool: no name"] = new(Bad, "POST", "/api/pools", """{"libraryIds": ["{library}"]}""", "name"),
        ["pool: no libraries"] = new(Bad, "POST", "/api/pools", """{"name": "P", "libraryIds": []}""", "libraryIds"),
        ["pool: repeated library"] = new(Bad, "POST", "/api/pools", """{"name": "P", "libraryIds": ["{library}", "{library}"]}""", "libraryIds"),
        ["pool: unknown library"] = new(Bad, "POST", "/api/pools", $$"""{"name": "P", "libraryIds": ["{library}", "{{Nobody}}"]}""", "libraryIds[1]"),
        ["pool: ids not uuids"] = new(Bad, "POST", "/api/pools", """{"name": "P", "libraryIds": ["LIB-1"]}""", null),
        ["run: malformed JSON"] = new(Bad, "POST", "/api/runs", """{"name": "R1", """, null),
        ["run: no reads"] = new(Bad, "POST", "/api/runs",
            """{"name": "R1", "instrument": "MiSeq", "flowcellId": "F1", "lanes": [{"lane": 1, "poolId": "{pool}"}]}""", "reads"),
        ["run: read cycles as text"] = new(Bad, "POST", "/api/runs",
            """{"name": "R1", "instrument": "MiSeq", "flowcellId": "F1", "reads": {"read1Cycles": "many"}, "lanes": []}""", null),
        ["run: zero read 1 cycles"] = new(Bad, "POST", "/api/runs",
            """{"name": "R1", "instrument": "MiSeq", "flowcellId": "F1", "reads": {"read1Cycles": 0, "index1Cycles": 8},"""
                + """ "lanes": [{"lane": 1, "poolId": "{pool}"}]}""",
            "reads.read1Cycles"),
        ["run: unknown pool"] = new(Bad, "POST", "/api/runs",
            """{"name": "R1", "instrument": "MiSeq", "flowcellId": "F1", "reads": {"read1Cycles": 151, "index1Cycles": 8, "index2Cycles": 8},"""
                + $$""" "lanes": [{"lane": 1, "poolId": "{{Nobody}}"}]}""",
            "lanes[0].poolId"),
        ["run: no lanes"] = new(Bad, "POST", "/api/runs",
            """{"name": "R1", "instrument": "MiSeq", "flowcellId": "F1", "reads": {"read1Cycles": 151, "index1Cycles": 8}, "lanes": []}""", "lanes"),
        ["run: flow cell with a comma"] = new(Bad, "POST", "/api/runs",
            """{"name": "R1", "instrument": "MiSeq", "flowcellId": "F1,F2", "reads": {"read1Cycles": 151, "index1Cycles": 8, "index2Cycles": 8},"""
                + """ "lanes": [{"lane": 1, "poolId": "{pool}"}]}""",
            "flowcellId"),
        ["run: name too long"] = new(Bad, "POST", "/api/runs",
            $$"""{"name": "{{new string('r', 256)}}", "instrument": "MiSeq", "flowcellId": "F1","""
                + """ "reads": {"read1Cycles": 151, "index1Cycles": 8, "index2Cycles": 8}, "lanes": [{"lane": 1, "poolId": "{pool}"}]}""",
            "name"),
        ["run status: unknown status"] = new(Bad, "POST", "/api/runs/{run}/status", """{"to": "running"}""", "to"),
        ["run status: illegal move"] = new(HttpStatusCode.Conflict, "POST", "/api/runs/{run}/status", """{"to": "completed"}""", null),
        ["run status: unknown run"] = new(HttpStatusCode.NotFound, "POST", $"/api/runs/{Nobody}/status", """{"to": "sequencing"}""", null),
        ["run status: to as a number"] = new(Bad, "POST", "/api/runs/{run}/status", """{"to": 2}""", null),
        ["sheet: format v3"] = new(Bad, "GET", "/api/runs/{run}/samplesheet?format=v3", "", "format"),
        ["runs: unknown status filter"] = new(Bad, "GET", "/api/runs?status=running", "", "status"),
        ["libraries: page 0"] = new(Bad, "GET", "/api/libraries?page=0", "", "page"),
        ["qc: no target"] = new(Bad, "POST", "/api/qc", """{"type": "qubit", "measuredAt": "2025-01-01T10:00:00Z", "outcome": "pass"}""", "target"),
        ["qc: unknown kind"] = new(Bad, "POST", "/api/qc",
            """{"target": {"kind": "run", "id": "{run}"}, "type": "qubit", "measuredAt": "2025-01-01T10:00:00Z", "outcome": "pass"}""", "target.kind"),
        ["qc: unknown library"] = new(Bad, "POST", "/api/qc",
            $$"""{"target": {"kind": "library", "id": "{{Nobody}}"}, "type": "qubit", "measuredAt": "2025-01-01T10:00:00Z", "outcome": "pass"}""", "target.id"),
        ["qc: unknown sample"] = new(Bad, "POST", "/api/qc",
            $$"""{"target": {"kind": "sample", "id": "{{Nobody}}"}, "type": "qubit", "measuredAt": "2025-01-01T10:00:00Z", "outcome": "pass"}""", "target.id"),
        ["qc: unknown type"] = new(Bad, "POST", "/api/qc",
            """{"target": {"kind": "library", "id": "{library}"}, "type": "ruler", "measuredAt": "2025-01-01T10:00:00Z", "outcome": "pass"}""", "type"),
        ["qc: future"] = new(Bad, "POST", "/api/qc",
            $$"""{"target": {"kind": "library", "id": "{library}"}, "type": "qubit", "measuredAt": "{{DateTime.UtcNow.AddDays(2):O}}", "outcome": "pass"}""",
            "measuredAt"),
        ["qc: RIN 11"] = new(Bad, "POST", "/api/qc",
            """{"target": {"kind": "library", "id": "{library}"}, "type": "bioanalyzer", "measuredAt": "2025-01-01T10:00:00Z","""
                + """ "results": {"rin": 11}, "outcome": "pass"}""",
            "results.rin"),
        ["qc: outcome ok"] = new(Bad, "POST", "/api/qc",
            """{"target": {"kind": "library", "id": "{library}"}, "type": "qubit", "measuredAt": "2025-01-01T10:00:00Z", "outcome": "ok"}""", "outcome"),
        ["qc: measuredAt not a date"] = new(Bad, "POST", "/api/qc",
            """{"target": {"kind": "library", "id": "{library}"}, "type": "qubit", "measuredAt": "yesterday", "outcome": "pass"}""", null),
        ["qc list: unknown kind"] = new(Bad, "GET", "/api/qc?targetKind=run", "", "targetKind"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_bad_request_is_the_right_4xx_naming_the_field_and_writes_nothing(string name)
    {
        var c = Cases[name];
        var things = await ThingsAsync();
        string Fill(string text) => text.Replace("{sample}", things.Sample.ToString(), StringComparison.Ordinal)
            .Replace("{kit}", things.Kit.ToString(), StringComparison.Ordinal).Replace("{library}", things.Library.ToString(), StringComparison.Ordinal)
            .Replace("{pool}", things.Pool.ToString(), StringComparison.Ordinal).Replace("{run}", things.Run.ToString(), StringComparison.Ordinal);
        var before = await _lab.CountsAsync();
        using var client = await _lab.AsAsync("lab_administrator");
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), Fill(c.Path));
        if (c.Method != "GET")
        {
            request.Content = new StringContent(Fill(c.Body), Encoding.UTF8, c.ContentType);
        }

        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(c.Expected, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        if (c.Field is not null)
        {
            (await SampleLab.ErrorFieldsAsync(response)).ShouldContain(c.Field, body);
        }
        (await _lab.CountsAsync()).ShouldBe(before);
    }

    private static (Guid Sample, Guid Kit, Guid Library, Guid Pool, Guid Run)? _things;

    /// <summary>A sample, kit, library, pool and planned run, made once for every case.</summary>
    private async Task<(Guid Sample, Guid Kit, Guid Library, Guid Pool, Guid Run)> ThingsAsync()
    {
        if (_things is { } made)
        {
            return made;
        }
        var kit = await _lab.CreateJsonKitAsync();
        var sample = await _lab.SampleAsync();
        var library = await _lab.CreateLibraryAsync(sample.Id, new { kitId = kit.Id, well = "A01" });
        var pool = await _lab.CreatePoolAsync([library.Id]);
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("MiSeq", [(1, pool.Id)]));
        _things = (sample.Id, kit.Id, library.Id, pool.Id, run.Id);
        return _things.Value;
    }
}
