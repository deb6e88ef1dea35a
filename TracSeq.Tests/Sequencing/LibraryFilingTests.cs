using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Sequencing;

/// <summary>
/// Libraries made before projects existed have no project: only staff see them. When Sequencing starts it files each
/// into its sample's project (asking Samples), so the group that owns the sample sees its library again, with the
/// filing on the library's audit trail.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class LibraryFilingTests(AppHostFixture fixture)
{
    private readonly ProjectGroups _groups = new(fixture);
    private readonly SequencingLab _sequencing = new(fixture);

    [Fact]
    public async Task A_library_made_before_projects_is_filed_into_its_samples_project_when_Sequencing_starts()
    {
        using var group = await _groups.GroupAsync("FILE");
        var library = await _sequencing.CreateLibraryAsync(group.Sample.Id,
            new { index1 = SequencingLab.I7[0], index2 = SequencingLab.I5[0] });
        await UnfileAsync(library.Id); // as a library made before projects: no project at all
        (await group.OwnerClient.GetAsync($"/api/libraries/{library.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        await fixture.RestartAsync("sequencing");

        // The filing runs beside start-up, not before it: give it a few seconds.
        var seen = HttpStatusCode.NotFound;
        for (var deadline = DateTime.UtcNow.AddSeconds(20); seen == HttpStatusCode.NotFound && DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            seen = (await group.OwnerClient.GetAsync($"/api/libraries/{library.Id}")).StatusCode;
        }
        seen.ShouldBe(HttpStatusCode.OK);
        (await group.ViewerClient.GetAsync($"/api/libraries/{library.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = await group.OwnerClient.GetFromJsonAsync<JsonElement>($"/api/libraries/{library.Id}/events", SequencingLab.Json);
        var filed = events.EnumerateArray().Last();
        filed.GetProperty("type").GetString().ShouldBe("project_changed");
        filed.GetRawText().ShouldContain(group.Project.Id.ToString());
    }

    private async Task UnfileAsync(Guid libraryId)
    {
        await using var db = await _sequencing.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("UPDATE libraries SET project_id = NULL WHERE id = @id", db);
        command.Parameters.AddWithValue("id", libraryId);
        (await command.ExecuteNonQueryAsync()).ShouldBe(1);
    }
}
