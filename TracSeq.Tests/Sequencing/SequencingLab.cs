using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Sequencing;

public sealed record KitIndexInfo(string Name, string Sequence, int Read);
public sealed record KitWellInfo(string Well, string I7Name, string? I5Name);

public sealed record KitInfo(
    Guid Id, string Name, string? DisplayName, string? Version, string Strategy, bool FixedLayout,
    IReadOnlyList<KitIndexInfo> Indices, IReadOnlyList<KitWellInfo> Wells, Dictionary<string, string> Adapters);

public sealed record LibraryIndexInfo(Guid? KitId, string? KitName, string? Well, string? I7Name, string? I5Name, string Index1, string? Index2);

public sealed record QcInfo(Guid Id, string TargetKind, Guid TargetId, string Type, DateTime MeasuredAt, string? Instrument, JsonElement Results,
    string Outcome);

public sealed record LibraryInfo(
    Guid Id, string Barcode, Guid SampleId, string SampleBarcode, string Name, string? PrepKit, LibraryIndexInfo Index,
    int? FragmentSizeBp, decimal? ConcentrationNgUl, decimal? VolumeUl, decimal? MolarityNm, string Status, string? StatusReason,
    DateTime CreatedAt, IReadOnlyList<QcInfo>? LatestQc);

public sealed record PoolLibraryInfo(Guid Id, string Barcode, string Name, string Status, string Index1, string? Index2);

public sealed record PoolInfo(Guid Id, string Barcode, string Name, IReadOnlyList<PoolLibraryInfo> Libraries, JsonElement Collisions,
    IReadOnlyList<QcInfo>? LatestQc);

public sealed record RunStatusChangeInfo(string? From, string To, string? Reason, Guid ActorId, string? ActorEmail, DateTime At, string? TraceId);

public sealed record RunSampleInfo(Guid Id, string Barcode);

public sealed record RunInfo(
    Guid Id, string Name, string Instrument, string? Chemistry, string FlowcellId, string Status, JsonElement Lanes,
    IReadOnlyList<RunSampleInfo> Samples, IReadOnlyList<RunStatusChangeInfo> History);

/// <summary>
/// What the sequencing tests share: signed-in users by role (through <see cref="SampleLab"/>), and short ways to
/// arrange kits, samples ready for library prep, libraries, pools and runs, always through the gateway.
/// </summary>
public sealed class SequencingLab(AppHostFixture fixture)
{
    public static readonly JsonSerializerOptions Json = SampleLab.Json;

    public SampleLab Samples { get; } = new(fixture);

    public AppHostFixture Fixture => fixture;

    public Task<HttpClient> AsAsync(string role, string resource = "gateway") => Samples.AsAsync(role, resource);

    /// <summary>Eight i7 and eight i5 indices, far apart from each other (Hamming distance ≥ 3 for every pair).</summary>
    public static readonly string[] I7 = ["ATTACTCG", "TCCGGAGA", "CGCTCATT", "GAGATTCC", "ATTCAGAA", "GAATTCGT", "CTGAAGCT", "TAATGCGC"];
    public static readonly string[] I5 = ["AGGCTATA", "GCCTCTAT", "AGGATAGG", "TCAGAGCC", "CTTCGCCT", "TAAGATTA", "ACGTCCTG", "GTCAGTAC"];

    /// <summary>A unique-dual kit as JSON with a fixed layout A01..H01 (i7 n + i5 n in row n).</summary>
    public async Task<KitInfo> CreateJsonKitAsync(string? name = null)
    {
        using var client = await AsAsync("principal_investigator");
        using var response = await client.PostAsJsonAsync("/api/index-kits", new
        {
            name = name ?? SampleLab.Unique("KIT"),
            strategy = "unique_dual",
            indices = I7.Select((s, i) => new { name = $"D7{i + 1:D2}", sequence = s, read = 1 })
                .Concat(I5.Select((s, i) => new { name = $"D5{i + 1:D2}", sequence = s, read = 2 })),
            wells = Enumerable.Range(0, 8).Select(i => new { well = $"{(char)('A' + i)}01", i7Name = $"D7{i + 1:D2}", i5Name = $"D5{i + 1:D2}" }),
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<KitInfo>(Json))!;
    }

    /// <summary>A sample moved to <paramref name="status"/> (validated by default, so runs can take it to sequencing), with a project code.</summary>
    public async Task<SampleInfo> SampleAsync(string status = "validated", string? projectCode = "SEQ-1")
    {
        var sample = await Samples.CreateSampleAsync(new { name = $"Tumour {Guid.NewGuid():N}"[..15], sampleType = "dna", projectCode });
        return await Samples.MoveAsync(sample.Id, SampleLab.PathTo(status));
    }

    public async Task<HttpResponseMessage> PostLibraryAsync(object body, string role = "lab_technician")
    {
        using var client = await AsAsync(role);
        return await client.PostAsJsonAsync("/api/libraries", body);
    }

    public async Task<LibraryInfo> CreateLibraryAsync(Guid sampleId, object index, int? fragmentSizeBp = 350, decimal? concentrationNgUl = 2.31m)
    {
        using var response = await PostLibraryAsync(new { sampleId, prepKit = "TruSeq DNA PCR-Free", fragmentSizeBp, concentrationNgUl, volumeUl = 20, index });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<LibraryInfo>(Json))!;
    }

    /// <summary>Libraries with custom indices, one sample each.</summary>
    public async Task<IReadOnlyList<LibraryInfo>> LibrariesAsync(params (string Index1, string? Index2)[] indices)
    {
        var libraries = new List<LibraryInfo>();
        foreach (var (index1, index2) in indices)
        {
            var sample = await SampleAsync();
            libraries.Add(await CreateLibraryAsync(sample.Id, new { index1, index2 }));
        }
        return libraries;
    }

    public async Task<HttpResponseMessage> PostPoolAsync(IEnumerable<Guid> libraryIds, string? name = null, int? m1 = null, int? m2 = null)
    {
        using var client = await AsAsync("lab_technician");
        return await client.PostAsJsonAsync("/api/pools", new
        {
            name = name ?? SampleLab.Unique("POOL"), libraryIds, barcodeMismatchesIndex1 = m1, barcodeMismatchesIndex2 = m2,
        });
    }

    public async Task<PoolInfo> CreatePoolAsync(IEnumerable<Guid> libraryIds, string? name = null)
    {
        using var response = await PostPoolAsync(libraryIds, name);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PoolInfo>(Json))!;
    }

    public static object RunBody(string instrument, IEnumerable<(int Lane, Guid PoolId)> lanes, string? name = null,
        int index1Cycles = 8, int index2Cycles = 8, string? chemistry = null) => new
    {
        name = name ?? $"Run {Guid.NewGuid():N}"[..12],
        instrument,
        chemistry,
        flowcellId = "HFLOWCELL1",
        reads = new { read1Cycles = 151, read2Cycles = 151, index1Cycles, index2Cycles },
        lanes = lanes.Select(l => new { lane = l.Lane, poolId = l.PoolId }),
    };

    public async Task<HttpResponseMessage> PostRunAsync(object body, string role = "lab_technician")
    {
        using var client = await AsAsync(role);
        return await client.PostAsJsonAsync("/api/runs", body);
    }

    public async Task<RunInfo> CreateRunAsync(object body)
    {
        using var response = await PostRunAsync(body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RunInfo>(Json))!;
    }

    public async Task<HttpResponseMessage> MoveRunAsync(Guid runId, string to, string? reason = null, HttpClient? client = null)
    {
        using var own = client is null ? await AsAsync("lab_technician") : null;
        return await (client ?? own!).PostAsJsonAsync($"/api/runs/{runId}/status", new { to, reason });
    }

    public async Task<RunInfo> GetRunAsync(Guid id)
    {
        using var client = await AsAsync("lab_technician"); // runs are the facility's
        return (await client.GetFromJsonAsync<RunInfo>($"/api/runs/{id}", Json))!;
    }

    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("sequencingdb"));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Row counts of every sequencing table, to show a refused request wrote nothing.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountsAsync()
    {
        string[] tables = ["index_kits", "index_kit_indices", "index_kit_wells", "libraries", "pools", "pool_libraries", "runs", "run_lanes",
            "run_status_changes", "qc_measurements", "sequencing_events"];
        await using var db = await OpenDatabaseAsync();
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", db);
            counts[table] = (long)(await command.ExecuteScalarAsync())!;
        }
        await using (var statuses = new NpgsqlCommand("SELECT count(*) FROM libraries WHERE status <> 'active'", db))
        {
            counts["libraries not active"] = (long)(await statuses.ExecuteScalarAsync())!;
        }
        await using (var runs = new NpgsqlCommand("SELECT count(*) FROM runs WHERE status <> 'planned'", db))
        {
            counts["runs not planned"] = (long)(await runs.ExecuteScalarAsync())!;
        }
        return counts;
    }
}
