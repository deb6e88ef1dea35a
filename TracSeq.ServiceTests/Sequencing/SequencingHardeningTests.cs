using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using TracSeq.ServiceTests.Infrastructure;
using TracSeq.ServiceTests.Samples;

namespace TracSeq.ServiceTests.Sequencing;

/// <summary>
/// The second hardening round on Sequencing (issue 24): bounded collision answers, runs that could never move refused
/// at planning, index edits that would make a pool collide, and a run that checks only the index reads it has.
/// </summary>
[Collection(SequencingServiceCollection.Name)]
public sealed class SequencingHardeningTests(SequencingService fixture)
{
    private readonly SequencingLab _lab = new(fixture);

    [Fact]
    public async Task An_index_check_of_ten_thousand_identical_entries_lists_100_pairs_and_counts_the_rest()
    {
        using var client = await _lab.AsAsync("lab_technician");
        var entries = Enumerable.Range(0, 10_000).Select(i => new { id = $"E{i}", index1 = "ACGTACGT", index2 = "TGCATGCA" });

        using var response = await client.PostAsJsonAsync("/api/index-checks", new { entries });

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body[..Math.Min(body.Length, 500)]);
        body.Length.ShouldBeLessThan(64 * 1024);
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("ok").GetBoolean().ShouldBeFalse();
        json.RootElement.GetProperty("collisions").GetArrayLength().ShouldBe(100);
        json.RootElement.GetProperty("totalCollisions").GetInt64().ShouldBe(10_000L * 9_999 / 2);
        json.RootElement.GetProperty("truncated").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_pool_of_200_identical_libraries_is_409_with_100_pairs_the_count_and_truncated()
    {
        var ids = await InsertLibrariesAsync(200, "ACGTACGT", "TGCATGCA");
        var before = await _lab.CountsAsync();

        using var refused = await _lab.PostPoolAsync(ids);

        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await SampleLab.ProblemAsync(refused);
        problem.GetProperty("collisions").GetArrayLength().ShouldBe(100);
        problem.GetProperty("totalCollisions").GetInt64().ShouldBe(200L * 199 / 2);
        problem.GetProperty("truncated").GetBoolean().ShouldBeTrue();
        (await _lab.CountsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_pool_already_on_an_active_run_is_409_until_that_run_is_cancelled()
    {
        var libraries = await _lab.LibrariesAsync((SequencingLab.I7[0], SequencingLab.I5[0]));
        var pool = await _lab.CreatePoolAsync([libraries[0].Id]);
        var first = await _lab.CreateRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, pool.Id)], name: "Run busy A"));
        var before = await _lab.CountsAsync();

        using var second = await _lab.PostRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, pool.Id)], name: "Run busy B"));

        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await SampleLab.ProblemAsync(second);
        problem.GetProperty("title").GetString()!.ShouldContain(pool.Barcode);
        problem.GetProperty("pools").EnumerateArray().ShouldHaveSingleItem().GetProperty("run").GetString().ShouldBe("Run busy A");
        (await _lab.CountsAsync()).ShouldBe(before);
        (await _lab.MoveRunAsync(first.Id, "cancelled")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _lab.CreateRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, pool.Id)], name: "Run busy B"))).Status.ShouldBe("planned");
    }

    [Fact]
    public async Task A_run_without_an_index_2_read_refuses_a_lane_of_libraries_told_apart_only_by_i5()
    {
        var libraries = await _lab.LibrariesAsync((SequencingLab.I7[1], SequencingLab.I5[1]), (SequencingLab.I7[1], SequencingLab.I5[2]));
        var pool = await _lab.CreatePoolAsync(libraries.Select(l => l.Id)); // dual-indexed: told apart by i5

        using var single = await _lab.PostRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, pool.Id)], index2Cycles: 0));

        single.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var lane = (await SampleLab.ProblemAsync(single)).GetProperty("lanes").EnumerateArray().ShouldHaveSingleItem();
        lane.GetProperty("totalCollisions").GetInt64().ShouldBe(1);
        lane.GetProperty("collisions")[0].GetProperty("index2Distance").ValueKind.ShouldBe(JsonValueKind.Null);
        (await _lab.CreateRunAsync(SequencingLab.RunBody("NovaSeq6000", [(1, pool.Id)]))).Status.ShouldBe("planned");
    }

    [Fact]
    public async Task Changing_a_pooled_librarys_index_to_one_its_pool_cannot_tell_apart_is_409_and_changes_nothing()
    {
        var libraries = await _lab.LibrariesAsync((SequencingLab.I7[2], SequencingLab.I5[2]), (SequencingLab.I7[3], SequencingLab.I5[3]));
        var pool = await _lab.CreatePoolAsync(libraries.Select(l => l.Id));
        using var client = await _lab.AsAsync("lab_technician");
        var before = await _lab.CountsAsync();

        using var colliding = await client.PatchAsJsonAsync($"/api/libraries/{libraries[1].Id}",
            new { index = new { index1 = SequencingLab.I7[2], index2 = SequencingLab.I5[2] } });

        colliding.StatusCode.ShouldBe(HttpStatusCode.Conflict, await colliding.Content.ReadAsStringAsync());
        var problem = await SampleLab.ProblemAsync(colliding);
        problem.GetProperty("title").GetString()!.ShouldContain(pool.Barcode);
        problem.GetProperty("collisions").EnumerateArray().ShouldHaveSingleItem().GetProperty("b").GetString().ShouldBe(libraries[0].Barcode);
        (await _lab.CountsAsync()).ShouldBe(before);
        using var staff = await _lab.AsAsync("lab_technician"); // pools are the facility's
        var unchanged = await staff.GetFromJsonAsync<JsonElement>($"/api/pools/{pool.Id}", SequencingLab.Json);
        unchanged.GetProperty("totalCollisions").GetInt64().ShouldBe(0);
        using var apart = await client.PatchAsJsonAsync($"/api/libraries/{libraries[1].Id}",
            new { index = new { index1 = SequencingLab.I7[4], index2 = SequencingLab.I5[4] } });
        apart.StatusCode.ShouldBe(HttpStatusCode.OK, await apart.Content.ReadAsStringAsync());
    }

    /// <summary>L8: a retried create under one Idempotency-Key makes one library, pool, run or QC record and replays the first answer.</summary>
    [Fact]
    public async Task Creates_with_an_Idempotency_Key_happen_once_and_replay_the_first_answer_byte_for_byte()
    {
        using var client = await _lab.AsAsync("lab_technician");
        var sample = await _lab.SampleAsync();
        object Library(string prepKit) => new { sampleId = sample.Id, prepKit, index = new { index1 = SequencingLab.I7[5], index2 = SequencingLab.I5[5] } };
        var library = await ExactlyOnceAsync(client, "/api/libraries", "libraries", Library("TruSeq DNA PCR-Free"), Library("Nextera XT"));
        object Pool(string name) => new { name, libraryIds = new[] { library } };
        var pool = await ExactlyOnceAsync(client, "/api/pools", "pools", Pool(SampleLab.Unique("POOL")), Pool(SampleLab.Unique("POOL")));
        await ExactlyOnceAsync(client, "/api/runs", "runs", SequencingLab.RunBody("NovaSeq6000", [(1, pool)], name: $"Keyed run {Guid.NewGuid():N}"[..16]),
            SequencingLab.RunBody("NovaSeq6000", [(1, pool)], name: $"Other run {Guid.NewGuid():N}"[..16]));
        var measuredAt = DateTime.UtcNow.AddMinutes(-5);
        object Qc(string outcome) => new { target = new { kind = "library", id = library }, type = "qubit", measuredAt,
            results = new { concentrationNgUl = 2.4m }, outcome };
        await ExactlyOnceAsync(client, "/api/qc", "qc_measurements", Qc("pass"), Qc("fail"));
    }

    /// <summary>Posts twice under one key: one row, the same status, Location and bytes, marked replayed; another body under the key is 422.</summary>
    private async Task<Guid> ExactlyOnceAsync(HttpClient client, string path, string table, object body, object otherBody)
    {
        var key = $"hs2-{Guid.NewGuid():N}";
        var before = await _lab.CountsAsync();

        using var first = await PostKeyedAsync(client, path, key, body);
        var firstBody = await first.Content.ReadAsStringAsync();
        first.StatusCode.ShouldBe(HttpStatusCode.Created, firstBody);
        using var retry = await PostKeyedAsync(client, path, key, body);

        retry.StatusCode.ShouldBe(HttpStatusCode.Created, path);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(firstBody, path);
        retry.Headers.Location.ShouldBe(first.Headers.Location, path);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"], path);
        first.Headers.Contains("Idempotent-Replayed").ShouldBeFalse(path);
        var after = await _lab.CountsAsync();
        after[table].ShouldBe(before[table] + 1, path);

        using var other = await PostKeyedAsync(client, path, key, otherBody);
        other.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, path);
        (await SampleLab.ProblemAsync(other)).GetProperty("title").GetString().ShouldBe("This Idempotency-Key was already used for a different request.");
        foreach (var bad in new[] { "has space", new string('k', 201) })
        {
            using var refused = await PostKeyedAsync(client, path, bad, body);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, path);
            (await SampleLab.ProblemAsync(refused)).GetProperty("errors").TryGetProperty("Idempotency-Key", out _).ShouldBeTrue(path);
        }
        (await _lab.CountsAsync())[table].ShouldBe(after[table], path);
        using var json = JsonDocument.Parse(firstBody);
        return json.RootElement.GetProperty("id").GetGuid();
    }

    private static async Task<HttpResponseMessage> PostKeyedAsync(HttpClient client, string path, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    /// <summary>L3: a wrong-typed field in a JSON body is a 400 naming the field, with no CLR type, parameter or JSON path.</summary>
    [Theory]
    [InlineData("/api/libraries", """{"sampleId": "not-a-guid", "name": "x"}""", "sampleId")]
    [InlineData("/api/libraries", """{"name": "x", "index": {"kitId": 12}}""", "index.kitId")]
    [InlineData("/api/libraries", """{"fragmentSizeBp": "many"}""", "fragmentSizeBp")]
    public async Task A_wrong_typed_body_field_is_a_400_naming_the_field_without_internals(string path, string json, string field)
    {
        using var client = await _lab.AsAsync("lab_technician");
        var before = await _lab.CountsAsync();

        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        foreach (var internals in new[] { "System.", "Path:", "$.", "CreateLibraryRequest", "Failed to read parameter", "could not be converted" })
        {
            body.ShouldNotContain(internals, Case.Sensitive, $"{json} answered {body}");
        }
        var problem = await SampleLab.ProblemAsync(response);
        problem.GetProperty("field").GetString().ShouldBe(field);
        problem.GetProperty("traceId").GetString().ShouldNotBeNullOrEmpty();
        (await _lab.CountsAsync()).ShouldBe(before);
    }

    /// <summary>L9: the append-only tables belong to the audit role; the service's own login keeps SELECT and INSERT.</summary>
    [Theory]
    [InlineData("sequencing_events", "sequencing_events_append_only", "entity_kind")]
    [InlineData("qc_measurements", "qc_measurements_append_only", "target_kind")]
    [InlineData("run_status_changes", "run_status_changes_append_only", "run_id")]
    [InlineData("run_result_versions", "run_result_versions_append_only", "job")]
    [InlineData("run_result_library_reads", "run_result_library_reads_append_only", "lane")]
    [InlineData("library_verdicts", "library_verdicts_append_only", "run_id")]
    public async Task The_services_own_login_cannot_drop_an_append_only_trigger_nor_rewrite_the_table(string table, string trigger, string column)
    {
        await using var service = await _lab.OpenDatabaseAsync();
        foreach (var statement in new[]
                 {
                     $"DROP TRIGGER {trigger} ON {table}", $"ALTER TABLE {table} DISABLE TRIGGER {trigger}",
                     $"UPDATE {table} SET {column} = {column}", $"DELETE FROM {table}", $"TRUNCATE {table}",
                 })
        {
            await using var command = new NpgsqlCommand(statement, service);
            var error = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync(), statement);
            error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, statement);
        }
        await using var rights = new NpgsqlCommand(
            $"""
            SELECT c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user),
                   has_table_privilege('{table}', 'SELECT') AND has_table_privilege('{table}', 'INSERT'),
                   has_table_privilege('{table}', 'UPDATE') OR has_table_privilege('{table}', 'DELETE') OR has_table_privilege('{table}', 'TRUNCATE')
            FROM pg_class c WHERE c.oid = '{table}'::regclass
            """, service);
        await using var reader = await rights.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetBoolean(0).ShouldBeTrue("the service's login must not own the table");
        reader.GetBoolean(1).ShouldBeTrue("the service still reads and appends");
        reader.GetBoolean(2).ShouldBeFalse("no UPDATE, DELETE or TRUNCATE");
    }

    /// <summary>Libraries straight into the database (creating hundreds through Samples would take minutes), all with one index.</summary>
    private async Task<IReadOnlyList<Guid>> InsertLibrariesAsync(int count, string index1, string? index2)
    {
        await using var db = await _lab.OpenDatabaseAsync();
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        var prefix = $"TS-LIB-990101-{Random.Shared.Next(10_000, 99_999)}";
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO libraries (id, barcode, sample_id, sample_barcode, name, index1, index2, status, created_by)
            SELECT id, @prefix || '-' || n, gen_random_uuid(), 'TS-SAMPLE-' || n, 'Bulk ' || n, @index1, @index2, 'active', gen_random_uuid()
            FROM unnest(@ids) WITH ORDINALITY AS t(id, n)
            """, db);
        insert.Parameters.AddWithValue("prefix", prefix);
        insert.Parameters.AddWithValue("index1", index1);
        insert.Parameters.AddWithValue("index2", (object?)index2 ?? DBNull.Value);
        insert.Parameters.AddWithValue("ids", ids);
        await insert.ExecuteNonQueryAsync();
        return ids;
    }
}
