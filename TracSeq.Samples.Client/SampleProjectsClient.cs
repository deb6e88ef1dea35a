using System.Net.Http.Json;
using TracSeq.Contracts.Internal;

namespace TracSeq.Samples.Client;

/// <summary>
/// Which project each of some samples is in (<c>POST /internal/projects/of-samples</c>), for filing libraries made
/// before projects. No user asks it: it goes with the service's identity on the membership source's client (registered
/// by <see cref="SamplesMembershipSourceExtensions.AddProjectAccessFromSamples"/>).
/// </summary>
public sealed class SampleProjectsClient(IHttpClientFactory clients)
{
    /// <summary>The projects of the samples Samples knows; at most <see cref="SampleProjectsRequest.MaxSampleIds"/> ids.</summary>
    public async Task<IReadOnlyList<SampleProject>> ProjectsOfAsync(IReadOnlyList<Guid> sampleIds, CancellationToken ct)
    {
        var http = clients.CreateClient(SamplesMembershipSource.ClientName);
        using var response = await http.PostAsJsonAsync(SampleProjectsRequest.Path, new SampleProjectsRequest(sampleIds), ct);
        response.EnsureSuccessStatusCode(); // anything else says nothing about the samples: try again later
        return await response.Content.ReadFromJsonAsync<List<SampleProject>>(ct) ?? [];
    }
}
