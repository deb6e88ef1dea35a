using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Samples;

/// <summary>Editing a sample: ETags and If-Match, field-level history, and what PATCH refuses to touch.</summary>
[Collection(SamplesServiceCollection.Name)]
public sealed class SampleEditingTests(SamplesService fixture)
{
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task An_edit_with_the_current_ETag_applies_and_records_old_and_new_values()
    {
        var sample = await _lab.CreateSampleAsync(new { name = "Plasma 3", sampleType = "plasma", volume = 100, notes = "first draw",
            metadata = new { tube = "EDTA" } });
        using var client = await _lab.TechnicianAsync();
        using var read = await client.GetAsync($"/api/samples/{sample.Id}");
        var etag = read.Headers.ETag!.Tag;

        using var request = Patch(sample.Id,
            new { volume = 80.5, notes = (string?)null, metadata = new { tube = "EDTA", hemolysed = true }, name = "Plasma 3" });
        request.IfMatch(etag);
        using var response = await client.SendAsync(request);

        etag.ShouldBe("\"1\"");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.ETag!.Tag.ShouldBe("\"2\"");
        var updated = (await response.Content.ReadFromJsonAsync<SampleInfo>(SampleLab.Json))!;
        (updated.Volume, updated.Notes, updated.Version).ShouldBe((80.5m, null, 2));
        updated.Metadata.GetProperty("hemolysed").GetBoolean().ShouldBeTrue();

        var technician = await _lab.SessionAsync("lab_technician");
        var edit = (await _lab.EventsAsync(sample.Id))[^1];
        (edit.Type, edit.Actor.Id).ShouldBe(("updated", technician.User.Id));
        edit.ChangedFields.ShouldBe(["volume", "notes", "metadata"], ignoreOrder: true); // name was sent unchanged
        edit.Change("volume").GetProperty("old").GetDecimal().ShouldBe(100m);
        edit.Change("volume").GetProperty("new").GetDecimal().ShouldBe(80.5m);
        edit.Change("notes").GetProperty("old").GetString().ShouldBe("first draw");
        edit.Change("notes").GetProperty("new").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task An_edit_with_a_stale_ETag_is_a_412_and_changes_nothing()
    {
        var sample = await _lab.CreateSampleAsync();
        using var client = await _lab.TechnicianAsync();
        (await client.PatchAsJsonAsync($"/api/samples/{sample.Id}", new { notes = "someone else was first" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var request = Patch(sample.Id, new { notes = "my change" });
        request.IfMatch("\"1\"");
        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await SampleLab.ProblemAsync(response)).GetProperty("currentETag").GetString().ShouldBe("\"2\"");
        (await _lab.GetSampleAsync(sample.Id)).Notes.ShouldBe("someone else was first");
    }

    [Fact]
    public async Task Two_concurrent_edits_with_the_same_ETag_give_one_200_and_one_412()
    {
        var sample = await _lab.CreateSampleAsync();
        using var first = await _lab.TechnicianAsync();
        using var second = await _lab.AsAsync("principal_investigator");

        using var a = Patch(sample.Id, new { notes = "edit A" });
        using var b = Patch(sample.Id, new { notes = "edit B" });
        a.IfMatch("\"1\"");
        b.IfMatch("\"1\"");
        var responses = await Task.WhenAll(first.SendAsync(a), second.SendAsync(b));

        responses.Select(r => r.StatusCode).ShouldBe([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], ignoreOrder: true);
        var winner = responses.Single(r => r.StatusCode == HttpStatusCode.OK);
        var kept = (await winner.Content.ReadFromJsonAsync<SampleInfo>(SampleLab.Json))!.Notes;
        (await _lab.GetSampleAsync(sample.Id)).Notes.ShouldBe(kept);
        (await _lab.EventsAsync(sample.Id)).Count(e => e.Type == "updated").ShouldBe(1);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task An_edit_that_changes_nothing_keeps_the_version_and_writes_no_event()
    {
        var sample = await _lab.CreateSampleAsync(new { name = "Same", sampleType = "dna", volume = 5 });
        using var client = await _lab.TechnicianAsync();

        using var response = await client.PatchAsJsonAsync($"/api/samples/{sample.Id}", new { name = "Same", volume = 5.0 });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.ETag!.Tag.ShouldBe("\"1\"");
        (await _lab.EventsAsync(sample.Id)).Select(e => e.Type).ShouldBe(["created"]);
    }

    [Fact]
    public async Task Changing_the_barcode_to_one_in_use_is_a_409()
    {
        var taken = await _lab.CreateSampleAsync(new { name = "Holder", sampleType = "dna", barcode = SampleLab.Unique("HOLD") });
        var sample = await _lab.CreateSampleAsync();
        using var client = await _lab.TechnicianAsync();

        using var response = await client.PatchAsJsonAsync($"/api/samples/{sample.Id}", new { barcode = taken.Barcode });

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await _lab.GetSampleAsync(sample.Id)).Barcode.ShouldBe(sample.Barcode);
    }

    [Fact]
    public async Task Status_and_location_cannot_be_patched_and_a_missing_sample_is_a_404()
    {
        var sample = await _lab.CreateSampleAsync();
        using var client = await _lab.TechnicianAsync();

        using var status = await client.PatchAsJsonAsync($"/api/samples/{sample.Id}", new { status = "completed" });
        using var location = await client.PatchAsJsonAsync($"/api/samples/{sample.Id}", new { locationId = Guid.NewGuid(), position = "A1" });
        using var missing = await client.PatchAsJsonAsync($"/api/samples/{Guid.NewGuid()}", new { notes = "x" });

        status.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(status)).ShouldBe(["status"]);
        location.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(location)).ShouldBe(["locationId", "position"], ignoreOrder: true);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _lab.GetSampleAsync(sample.Id)).Status.ShouldBe("pending");
    }

    [Fact]
    public async Task A_status_change_honours_If_Match_too()
    {
        var sample = await _lab.CreateSampleAsync();
        using var client = await _lab.TechnicianAsync();

        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/samples/{sample.Id}/status") { Content = JsonContent.Create(new { to = "received" }) };
        stale.IfMatch("\"7\"");
        using var refused = await client.SendAsync(stale);
        using var current = new HttpRequestMessage(HttpMethod.Post, $"/api/samples/{sample.Id}/status")
        {
            Content = JsonContent.Create(new { to = "received" })
        };
        current.IfMatch("\"1\"");
        using var accepted = await client.SendAsync(current);

        refused.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        accepted.Headers.ETag!.Tag.ShouldBe("\"2\"");
    }

    private static HttpRequestMessage Patch(Guid id, object body) =>
        new(HttpMethod.Patch, $"/api/samples/{id}") { Content = JsonContent.Create(body) };
}
