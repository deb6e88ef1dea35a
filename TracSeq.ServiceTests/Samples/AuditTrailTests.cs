using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Samples;

/// <summary>The history a technician reads: complete, in order, field by field, and impossible to rewrite.</summary>
[Collection(SamplesServiceCollection.Name)]
public sealed class AuditTrailTests(SamplesService fixture)
{
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task A_realistic_day_of_a_sample_reads_back_exactly()
    {
        var scientist = (await _lab.SessionAsync("research_scientist")).User;
        var technician = (await _lab.SessionAsync("lab_technician")).User;
        var firstBox = await _lab.CreateBoxAsync();
        var secondBox = await _lab.CreateBoxAsync();
        var sample = await _lab.CreateSampleAsync(new { name = "Tumour RNA 7", sampleType = "rna", projectCode = "ONC-7" });
        using var client = await _lab.TechnicianAsync();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        async Task Step(HttpMethod method, string path, object body)
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await client.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        await Step(HttpMethod.Post, $"/api/samples/{sample.Id}/status", new { to = "received" });
        await Step(HttpMethod.Post, $"/api/samples/{sample.Id}/status", new { to = "validated" });
        await Step(HttpMethod.Put, $"/api/samples/{sample.Id}/location", new { locationId = firstBox.Id, position = "A1" });
        await Step(HttpMethod.Put, $"/api/samples/{sample.Id}/location", new { locationId = secondBox.Id, position = "C3" });
        await Step(HttpMethod.Post, $"/api/samples/{sample.Id}/status", new { to = "in_sequencing" });
        await Step(HttpMethod.Post, $"/api/samples/{sample.Id}/status", new { to = "completed" });

        var events = await _lab.EventsAsync(sample.Id);
        events.Select(e => (e.Type, e.FromStatus, e.ToStatus, string.Join(",", e.ChangedFields.Order(StringComparer.Ordinal)))).ShouldBe(
        [
            ("created", null, "pending", "barcode,name,projectCode,sampleType,status"),
            ("status_changed", "pending", "received", "receivedAt,status"),
            ("status_changed", "received", "validated", "status"),
            ("stored", "validated", "in_storage", "location,status"),
            ("moved", null, null, "location"),
            ("status_changed", "in_storage", "in_sequencing", "status"),
            ("status_changed", "in_sequencing", "completed", "status"),
        ]);
        events[0].Actor.ShouldBe(new EventActor(scientist.Id, scientist.Email, scientist.DisplayName));
        events.Skip(1).ShouldAllBe(e => e.Actor.Id == technician.Id && e.Actor.Email == technician.Email);
        events.Skip(1).ShouldAllBe(e => e.TraceId == traceId); // the caller's trace, through the gateway into the record
        events[0].TraceId.ShouldNotBeNullOrEmpty();
        events.ShouldAllBe(e => e.Reason == null);
        events.Select(e => e.At).ShouldBeInOrder();

        var stored = events[3].Change("location").GetProperty("new");
        (stored.GetProperty("barcode").GetString(), stored.GetProperty("position").GetString()).ShouldBe((firstBox.Barcode, "A1"));
        var moved = events[4].Change("location");
        moved.GetProperty("old").GetProperty("position").GetString().ShouldBe("A1");
        moved.GetProperty("new").GetProperty("barcode").GetString().ShouldBe(secondBox.Barcode);
        moved.GetProperty("new").GetProperty("position").GetString().ShouldBe("C3");
        moved.GetProperty("new").GetProperty("path").GetString().ShouldBe(secondBox.Path);
        events[5].Location!.Value.GetProperty("position").GetString().ShouldBe("C3"); // still in the box while sequenced
        events[1].Change("receivedAt").GetProperty("old").ValueKind.ShouldBe(JsonValueKind.Null);
        events[1].Change("receivedAt").GetProperty("new").GetDateTime().ShouldBe(DateTime.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData("UPDATE sample_events SET reason = 'rewritten'")]
    [InlineData("DELETE FROM sample_events")]
    [InlineData("TRUNCATE sample_events")]
    public async Task The_database_refuses_to_rewrite_or_remove_sample_events(string statement)
    {
        await _lab.CreateSampleAsync(); // at least one event exists
        await using var db = await _lab.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(statement, db);

        var error = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        // The service's own login may not even try (no UPDATE/DELETE/TRUNCATE privilege); the superuser meets the trigger
        // (TracSeq.Tests/Security/DatabaseRoleTests.cs). Both refuse with insufficient_privilege.
        error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task No_endpoint_edits_or_deletes_events()
    {
        var sample = await _lab.CreateSampleAsync();
        using var admin = await _lab.AdminAsync();

        using var delete = await admin.DeleteAsync($"/api/samples/{sample.Id}/events");
        using var put = await admin.PutAsJsonAsync($"/api/samples/{sample.Id}/events", new { });
        using var post = await admin.PostAsJsonAsync($"/api/samples/{sample.Id}/events", new { type = "created" });

        delete.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        put.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        post.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        (await _lab.EventsAsync(sample.Id)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task The_trail_of_a_missing_sample_is_a_404()
    {
        using var guest = await _lab.AsAsync("guest");

        using var response = await guest.GetAsync($"/api/samples/{Guid.NewGuid()}/events");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
