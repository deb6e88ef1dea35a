using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using TracSeq.ServiceTests.Infrastructure;

namespace TracSeq.ServiceTests.Samples;

/// <summary>Storage: the location tree, box positions, one sample per position, occupancy, and every move recorded.</summary>
[Collection(SamplesServiceCollection.Name)]
public sealed class StorageTests(SamplesService fixture)
{
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task Placing_a_validated_sample_in_a_box_stores_it_where_a_scan_finds_it()
    {
        var box = await _lab.CreateBoxAsync();
        var sample = await _lab.ValidatedSampleAsync();

        using var response = await _lab.PlaceAsync(sample.Id, box.Id, "b07");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var stored = (await response.Content.ReadFromJsonAsync<SampleInfo>(SampleLab.Json))!;
        stored.Status.ShouldBe("in_storage");
        stored.Location.ShouldNotBeNull();
        (stored.Location.Id, stored.Location.Barcode, stored.Location.Position).ShouldBe((box.Id, box.Barcode, "B7"));
        stored.Location.Path.ShouldEndWith(" > Freezer A > Rack 2 > Box 7");
        box.Path.ShouldBe(stored.Location.Path);

        using var guest = await _lab.AsAsync("guest");
        var scanned = (await guest.GetFromJsonAsync<SampleInfo>($"/api/samples/by-barcode/{sample.Barcode}", SampleLab.Json))!;
        scanned.Location!.Position.ShouldBe("B7");
        using var detail = JsonDocument.Parse(await guest.GetStringAsync($"/api/storage/locations/by-barcode/{box.Barcode}"));
        detail.RootElement.GetProperty("occupancy").GetProperty("capacity").GetInt64().ShouldBe(96);
        detail.RootElement.GetProperty("occupancy").GetProperty("occupied").GetInt64().ShouldBe(1);
        detail.RootElement.GetProperty("occupancy").GetProperty("free").GetInt64().ShouldBe(95);
        var content = detail.RootElement.GetProperty("contents").EnumerateArray().ShouldHaveSingleItem();
        (content.GetProperty("barcode").GetString(), content.GetProperty("position").GetString()).ShouldBe((sample.Barcode, "B7"));

        var stow = (await _lab.EventsAsync(sample.Id))[^1];
        (stow.Type, stow.FromStatus, stow.ToStatus).ShouldBe(("stored", "validated", "in_storage"));
        stow.Change("location").GetProperty("old").ValueKind.ShouldBe(JsonValueKind.Null);
        stow.Change("location").GetProperty("new").GetProperty("position").GetString().ShouldBe("B7");
        stow.Location!.Value.GetProperty("barcode").GetString().ShouldBe(box.Barcode);
    }

    [Fact]
    public async Task An_occupied_position_is_a_409_naming_the_sample_there()
    {
        var box = await _lab.CreateBoxAsync();
        var first = await _lab.ValidatedSampleAsync();
        var second = await _lab.ValidatedSampleAsync();
        (await _lab.PlaceAsync(first.Id, box.Id, "A1")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var response = await _lab.PlaceAsync(second.Id, box.Id, "A1");

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await SampleLab.ProblemAsync(response)).GetProperty("occupiedBy").GetString().ShouldBe(first.Barcode);
        var untouched = await _lab.GetSampleAsync(second.Id);
        (untouched.Status, untouched.Location).ShouldBe(("validated", null));
    }

    [Fact]
    public async Task Two_samples_racing_for_one_position_get_one_200_and_one_409()
    {
        var box = await _lab.CreateBoxAsync(1, 1);
        var samples = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _lab.ValidatedSampleAsync()));

        var responses = await Task.WhenAll(samples.Select(s => _lab.PlaceAsync(s.Id, box.Id, "A1")));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(3);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("I1")]   // row past H
    [InlineData("A13")]  // column past 12
    [InlineData("A0")]
    [InlineData("7B")]
    [InlineData("AA1")]
    public async Task A_position_outside_the_box_or_malformed_is_a_400(string position)
    {
        var box = await _lab.CreateBoxAsync(8, 12);
        var sample = await _lab.ValidatedSampleAsync();

        using var response = await _lab.PlaceAsync(sample.Id, box.Id, position);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(response)).ShouldBe(["position"]);
        (await _lab.GetSampleAsync(sample.Id)).Location.ShouldBeNull();
    }

    [Fact]
    public async Task Boxes_need_a_position_and_other_places_take_none()
    {
        var box = await _lab.CreateBoxAsync();
        var fridge = await _lab.CreateLocationAsync(new { name = "Bench fridge", kind = "fridge", temperature = 4 });
        var sample = await _lab.ValidatedSampleAsync();

        using var noPosition = await _lab.PlaceAsync(sample.Id, box.Id, null);
        using var positionInFridge = await _lab.PlaceAsync(sample.Id, fridge.Id, "A1");
        using var inFridge = await _lab.PlaceAsync(sample.Id, fridge.Id, null);

        noPosition.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        positionInFridge.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        inFridge.StatusCode.ShouldBe(HttpStatusCode.OK);
        var stored = (await inFridge.Content.ReadFromJsonAsync<SampleInfo>(SampleLab.Json))!;
        (stored.Status, stored.Location!.Id, stored.Location.Position).ShouldBe(("in_storage", fridge.Id, null));
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("discarded")]
    public async Task A_sample_not_in_the_lab_cannot_be_stored(string status)
    {
        var box = await _lab.CreateBoxAsync();
        var sample = await _lab.CreateSampleAsync();
        await _lab.MoveAsync(sample.Id, SampleLab.PathTo(status));

        using var response = await _lab.PlaceAsync(sample.Id, box.Id, "A1");

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await _lab.GetSampleAsync(sample.Id)).Location.ShouldBeNull();
    }

    [Fact]
    public async Task Moving_and_taking_out_are_recorded_and_occupancy_follows()
    {
        var from = await _lab.CreateBoxAsync();
        var to = await _lab.CreateBoxAsync();
        var sample = await _lab.ValidatedSampleAsync();
        (await _lab.PlaceAsync(sample.Id, from.Id, "A1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await OccupiedGaugeAsync(from.Barcode)).ShouldBe(1);

        (await _lab.PlaceAsync(sample.Id, to.Id, "H12")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await OccupiedGaugeAsync(from.Barcode)).ShouldBe(0);
        (await OccupiedGaugeAsync(to.Barcode)).ShouldBe(1);
        using var technician = await _lab.TechnicianAsync();
        using var removed = await technician.DeleteAsync($"/api/samples/{sample.Id}/location");

        removed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var after = (await removed.Content.ReadFromJsonAsync<SampleInfo>(SampleLab.Json))!;
        (after.Status, after.Location).ShouldBe(("in_storage", null)); // taking out is not a status change
        (await OccupiedGaugeAsync(to.Barcode)).ShouldBe(0);
        var events = await _lab.EventsAsync(sample.Id);
        var moved = events[^2];
        (moved.Type, moved.FromStatus, moved.ToStatus).ShouldBe(("moved", null, null));
        moved.Change("location").GetProperty("old").GetProperty("barcode").GetString().ShouldBe(from.Barcode);
        moved.Change("location").GetProperty("new").GetProperty("barcode").GetString().ShouldBe(to.Barcode);
        moved.Change("location").GetProperty("new").GetProperty("position").GetString().ShouldBe("H12");
        var taken = events[^1];
        taken.Type.ShouldBe("removed_from_storage");
        taken.Change("location").GetProperty("old").GetProperty("position").GetString().ShouldBe("H12");
        taken.Location.ShouldBeNull();
    }

    [Fact]
    public async Task Discarding_a_stored_sample_frees_its_position()
    {
        var box = await _lab.CreateBoxAsync(1, 1);
        var gone = await _lab.ValidatedSampleAsync();
        var next = await _lab.ValidatedSampleAsync();
        (await _lab.PlaceAsync(gone.Id, box.Id, "A1")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var discarded = await _lab.MoveAsync(gone.Id, "discarded");

        discarded.Location.ShouldBeNull();
        (await _lab.EventsAsync(gone.Id))[^1].ChangedFields.ShouldBe(["status", "location"], ignoreOrder: true);
        (await _lab.PlaceAsync(next.Id, box.Id, "A1")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_tree_keeps_its_shape()
    {
        var box = await _lab.CreateBoxAsync(2, 2);
        using var technician = await _lab.TechnicianAsync();
        var rack = box.ParentId!.Value;

        using var roomInBox = await technician.PostAsJsonAsync("/api/storage/locations", new { name = "Room", kind = "room", parentId = box.Id });
        using var freezerWithRows = await technician.PostAsJsonAsync("/api/storage/locations", new { name = "F", kind = "freezer", rows = 2, columns = 2 });
        using var boxWithoutSize = await technician.PostAsJsonAsync("/api/storage/locations", new { name = "B", kind = "box", parentId = rack });
        using var rackIntoItsBox = await technician.PatchAsJsonAsync($"/api/storage/locations/{rack}", new { parentId = box.Id });
        using var kindChange = await technician.PatchAsJsonAsync($"/api/storage/locations/{box.Id}", new { kind = "rack" });
        using var sameBarcode = await technician.PostAsJsonAsync("/api/storage/locations",
            new { name = "Copy", kind = "box", rows = 1, columns = 1, barcode = box.Barcode });

        roomInBox.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        freezerWithRows.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        boxWithoutSize.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(boxWithoutSize)).ShouldBe(["rows", "columns"], ignoreOrder: true);
        rackIntoItsBox.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        kindChange.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        sameBarcode.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_box_cannot_shrink_below_a_sample_it_holds()
    {
        var box = await _lab.CreateBoxAsync(8, 12);
        var sample = await _lab.ValidatedSampleAsync();
        (await _lab.PlaceAsync(sample.Id, box.Id, "C10")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var technician = await _lab.TechnicianAsync();

        using var tooSmall = await technician.PatchAsJsonAsync($"/api/storage/locations/{box.Id}", new { rows = 2 });
        using var bigger = await technician.PatchAsJsonAsync($"/api/storage/locations/{box.Id}", new { rows = 10, columns = 10 });

        tooSmall.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await SampleLab.ProblemAsync(tooSmall)).GetProperty("positions")[0].GetString().ShouldBe("C10");
        bigger.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await bigger.Content.ReadFromJsonAsync<LocationInfo>(SampleLab.Json))!.Occupancy.Capacity.ShouldBe(100);
    }

    [Fact]
    public async Task Occupancy_adds_up_through_the_tree_and_children_are_listed()
    {
        var box = await _lab.CreateBoxAsync(2, 3);
        var rackId = box.ParentId!.Value;
        var second = await _lab.CreateLocationAsync(new { name = "Box 8", kind = "box", parentId = rackId, rows = 2, columns = 2 });
        var sample = await _lab.ValidatedSampleAsync();
        (await _lab.PlaceAsync(sample.Id, second.Id, "B2")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var guest = await _lab.AsAsync("guest");

        using var rack = JsonDocument.Parse(await guest.GetStringAsync($"/api/storage/locations/{rackId}"));
        var children = (await guest.GetFromJsonAsync<PageOf<LocationInfo>>($"/api/storage/locations?parentId={rackId}", SampleLab.Json))!;

        var occupancy = rack.RootElement.GetProperty("occupancy");
        (occupancy.GetProperty("capacity").GetInt64(), occupancy.GetProperty("occupied").GetInt64(), occupancy.GetProperty("samples").GetInt64())
            .ShouldBe((10L, 1L, 1L));
        rack.RootElement.GetProperty("children").GetArrayLength().ShouldBe(2);
        children.Items.Select(c => c.Id).ShouldBe([box.Id, second.Id], ignoreOrder: true);
        children.Total.ShouldBe(2);
    }

    [Fact]
    public async Task Renaming_a_location_shows_in_the_samples_inside_at_once()
    {
        var box = await _lab.CreateBoxAsync();
        var sample = await _lab.ValidatedSampleAsync();
        (await _lab.PlaceAsync(sample.Id, box.Id, "A2")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _lab.GetSampleAsync(sample.Id)).Location!.Path.ShouldEndWith("Rack 2 > Box 7"); // now cached
        using var technician = await _lab.TechnicianAsync();

        (await technician.PatchAsJsonAsync($"/api/storage/locations/{box.ParentId}", new { name = "Rack 9" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await _lab.GetSampleAsync(sample.Id)).Location!.Path.ShouldEndWith("Rack 9 > Box 7");
    }

    /// <summary><c>tracseq_storage_occupied_positions{location}</c> as the samples service publishes it now.</summary>
    private async Task<double> OccupiedGaugeAsync(string boxBarcode)
    {
        using var client = fixture.CreateClient();
        var metrics = await client.GetStringAsync("/metrics");
        var match = Regex.Match(metrics, $"^tracseq_storage_occupied_positions\\{{location=\"{Regex.Escape(boxBarcode)}\"\\}} (\\S+)$", RegexOptions.Multiline);
        match.Success.ShouldBeTrue($"no occupancy series for {boxBarcode}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
