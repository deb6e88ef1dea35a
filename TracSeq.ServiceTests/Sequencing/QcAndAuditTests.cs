using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using TracSeq.ServiceTests.Infrastructure;
using TracSeq.ServiceTests.Samples;

namespace TracSeq.ServiceTests.Sequencing;

/// <summary>QC measurements (append-only, latest per type on the target) and the append-only sequencing audit trail.</summary>
[Collection(SequencingServiceCollection.Name)]
public sealed class QcAndAuditTests(SequencingService fixture)
{
    private readonly SequencingLab _lab = new(fixture);

    private async Task<HttpResponseMessage> RecordAsync(string kind, Guid id, string type, DateTime measuredAt, object results, string outcome)
    {
        using var client = await _lab.AsAsync("lab_technician");
        return await client.PostAsJsonAsync("/api/qc", new { target = new { kind, id }, type, measuredAt, instrument = "Qubit 4", results, outcome });
    }

    [Fact]
    public async Task Measurements_on_samples_libraries_and_pools_are_listed_and_the_latest_per_type_shows_on_the_target()
    {
        var library = (await _lab.LibrariesAsync((SequencingLab.I7[0], SequencingLab.I5[0])))[0];
        var pool = await _lab.CreatePoolAsync([library.Id]);
        var morning = DateTime.UtcNow.AddHours(-3);

        using var first = await RecordAsync("library", library.Id, "qubit", morning, new { concentrationNgUl = 2.1m }, "borderline");
        using var remeasured = await RecordAsync("library", library.Id, "qubit", morning.AddHours(1), new { concentrationNgUl = 2.6m }, "pass");
        using var size = await RecordAsync("library", library.Id, "tapestation", morning, new { averageSizeBp = 362, din = 7.9m }, "pass");
        using var onPool = await RecordAsync("pool", pool.Id, "qpcr", morning, new { concentrationNm = 4.2m }, "fail");
        using var onSample = await RecordAsync("sample", library.SampleId, "nanodrop", morning, new { a260280 = 1.86m, a260230 = 2.05m }, "pass");

        foreach (var response in new[] { first, remeasured, size, onPool, onSample })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
        using var client = await _lab.AsAsync("guest");
        var all = await client.GetFromJsonAsync<PageOf<QcInfo>>($"/api/qc?targetKind=library&targetId={library.Id}", SequencingLab.Json);
        all!.Total.ShouldBe(3);
        all.Items.Select(q => q.Type).ShouldBe(["qubit", "tapestation", "qubit"]); // newest measurement first, the later record first on a tie
        var read = await client.GetFromJsonAsync<LibraryInfo>($"/api/libraries/{library.Id}", SequencingLab.Json);
        read!.LatestQc!.Select(q => (q.Type, q.Outcome)).ShouldBe([("qubit", "pass"), ("tapestation", "pass")], ignoreOrder: true);
        read.LatestQc!.Single(q => q.Type == "qubit").Results.GetProperty("concentrationNgUl").GetDecimal().ShouldBe(2.6m);
        read.Status.ShouldBe("active");
        using var staff = await _lab.AsAsync("lab_technician"); // pools are the facility's
        var poolRead = await staff.GetFromJsonAsync<PoolInfo>($"/api/pools/{pool.Id}", SequencingLab.Json);
        poolRead!.LatestQc!.ShouldHaveSingleItem().Outcome.ShouldBe("fail");
        (await _lab.Samples.GetSampleAsync(library.SampleId)).Status.ShouldBe("validated"); // a QC result changes no status
        var bySample = await client.GetFromJsonAsync<PageOf<QcInfo>>($"/api/qc?targetKind=sample&targetId={library.SampleId}", SequencingLab.Json);
        bySample!.Items.ShouldHaveSingleItem().Results.GetProperty("a260280").GetDecimal().ShouldBe(1.86m);
    }

    [Theory]
    [InlineData("qc_measurements")]
    [InlineData("sequencing_events")]
    [InlineData("run_status_changes")]
    public async Task The_database_refuses_to_rewrite_or_remove_audit_rows(string table)
    {
        var library = (await _lab.LibrariesAsync((SequencingLab.I7[1], SequencingLab.I5[1])))[0];
        var pool = await _lab.CreatePoolAsync([library.Id]);
        await _lab.CreateRunAsync(SequencingLab.RunBody("MiSeq", [(1, pool.Id)]));
        using (await RecordAsync("pool", pool.Id, "qubit", DateTime.UtcNow.AddMinutes(-5), new { concentrationNgUl = 1.0m }, "pass")) { }
        // As the superuser: the service's own login is refused before the trigger (the tables are sealed; see
        // SequencingHardeningTests), so the trigger is what even the superuser meets.
        var superuser = new NpgsqlConnectionStringBuilder(fixture.Infrastructure.SuperuserConnectionString("sequencingdb"));
        await using var db = new NpgsqlConnection(superuser.ConnectionString);
        await db.OpenAsync();

        foreach (var statement in new[] { $"UPDATE {table} SET trace_id = trace_id", $"DELETE FROM {table}", $"TRUNCATE {table}" })
        {
            await using var command = new NpgsqlCommand(table == "qc_measurements" ? statement.Replace("trace_id = trace_id", "notes = notes") : statement, db);
            var refused = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            refused.MessageText.ShouldContain("append-only");
        }
    }

    [Fact]
    public async Task Every_write_is_in_the_audit_trail_with_who_and_the_requests_trace_id()
    {
        var library = (await _lab.LibrariesAsync((SequencingLab.I7[2], SequencingLab.I5[2])))[0];
        using var client = await _lab.AsAsync("lab_technician");

        using var response = await client.PostAsJsonAsync("/api/pools", new { name = "Traced pool", libraryIds = new[] { library.Id } });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        // Without a correlation id of the client's own, the gateway answers with the request's W3C trace id.
        var traceId = response.Headers.GetValues("X-Correlation-Id").Single();
        var pool = (await response.Content.ReadFromJsonAsync<PoolInfo>(SequencingLab.Json))!;
        var events = await client.GetFromJsonAsync<JsonElement>($"/api/pools/{pool.Id}/events", SequencingLab.Json);
        var created = events.EnumerateArray().ShouldHaveSingleItem();
        created.GetProperty("type").GetString().ShouldBe("created");
        created.GetProperty("traceId").GetString().ShouldBe(traceId);
        created.GetProperty("actor").GetProperty("email").GetString().ShouldNotBeNullOrEmpty();
        created.GetProperty("details").GetProperty("barcode").GetString().ShouldBe(pool.Barcode);
    }
}
