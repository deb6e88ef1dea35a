using System.Net;
using System.Net.Http.Json;
using Npgsql;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Samples;

/// <summary>
/// The internal batch create behind spreadsheet submissions is the services' alone: the gateway does not route it.
/// Its own behaviour (all or nothing, replay, audit, counts) is the per-service tier's (TracSeq.ServiceTests/Samples).
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class SampleBatchTests(AppHostFixture fixture)
{
    private readonly SampleLab _lab = new(fixture);

    [Fact]
    public async Task The_gateway_does_not_route_the_internal_endpoint()
    {
        using var client = await _lab.AsAsync("lab_administrator");
        var submissionId = Guid.NewGuid();

        using var response = await client.PostAsJsonAsync("/internal/samples/batch", SampleLab.BatchBody(submissionId, 1));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await CountAsync("SELECT count(*) FROM samples WHERE submission_id = @id", submissionId)).ShouldBe(0);
    }

    private async Task<long> CountAsync(string sql, Guid? id = null)
    {
        await using var db = await _lab.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, db);
        if (id is not null)
        {
            command.Parameters.AddWithValue("id", id.Value);
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
