using System.Net;
using System.Net.Http.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Samples;

/// <summary>
/// With Redis stopped, samples are still read and written (from and to PostgreSQL); when Redis comes back, nothing it
/// kept from before the outage is served as current.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class SampleRedisOutageTests(AppHostFixture fixture)
{
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task Samples_are_read_and_written_while_Redis_is_down_and_no_stale_copy_survives_it()
    {
        var box = await _lab.CreateBoxAsync();
        var sample = await _lab.ValidatedSampleAsync(new { name = "Before outage", sampleType = "dna", barcode = SampleLab.Unique("OUT") });
        (await _lab.GetSampleAsync(sample.Id)).Name.ShouldBe("Before outage"); // cached before the outage
        using var technician = await _lab.TechnicianAsync();
        using var guest = await _lab.AsAsync("guest");

        var stopped = await fixture.App.ResourceCommands.ExecuteCommandAsync("cache", KnownResourceCommands.StopCommand);
        stopped.Success.ShouldBeTrue(stopped.Message);
        try
        {
            (await technician.PatchAsJsonAsync($"/api/samples/{sample.Id}", new { name = "During outage" })).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await _lab.PlaceAsync(sample.Id, box.Id, "E5")).StatusCode.ShouldBe(HttpStatusCode.OK);
            var created = await _lab.CreateSampleAsync(new { name = "Created during outage", sampleType = "rna" });

            var read = (await guest.GetFromJsonAsync<SampleInfo>($"/api/samples/{sample.Id}", SampleLab.Json))!;
            (read.Name, read.Status, read.Location!.Position).ShouldBe(("During outage", "in_storage", "E5"));
            (await guest.GetFromJsonAsync<SampleInfo>($"/api/samples/by-barcode/{created.Barcode}", SampleLab.Json))!.Id.ShouldBe(created.Id);
            (await guest.GetAsync("/api/samples?q=outage")).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await _lab.EventsAsync(sample.Id)).Select(e => e.Type).ShouldContain("stored");
        }
        finally
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            (await fixture.App.ResourceCommands.ExecuteCommandAsync("cache", KnownResourceCommands.StartCommand, timeout.Token)).Success.ShouldBeTrue();
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("cache", timeout.Token);
            foreach (var service in AppHostFixture.Services)
            {
                await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(service, timeout.Token);
            }
        }

        // Redis saved its data on the way down, so it came back holding the pre-outage copy; it must not be served.
        var after = await _lab.GetSampleAsync(sample.Id);
        (after.Name, after.Status).ShouldBe(("During outage", "in_storage"));
        var byBarcode = (await guest.GetFromJsonAsync<SampleInfo>($"/api/samples/by-barcode/{sample.Barcode}", SampleLab.Json))!;
        byBarcode.Name.ShouldBe("During outage");
    }
}
