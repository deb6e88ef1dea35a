using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TracSeq.Contracts.Internal;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Client;

/// <summary>
/// Memberships as Samples (their home) tells them: <c>GET /internal/projects/access/{userId}</c>, by service discovery
/// and signed with this service's identity. Asked once per user per replica (the <see cref="MembershipCache"/> keeps
/// the answer until a change is announced). A read needs the answer, so when Samples cannot give it the request fails
/// fast as a dependency failure (503 through the problem-details handler): a connection refused is retried twice
/// within a fraction of a second, a hung connection is given up after <see cref="AttemptTimeout"/>.
/// </summary>
public sealed class SamplesMembershipSource(IHttpClientFactory clients) : IProjectMembershipSource
{
    public const string ClientName = "samples-memberships";
    public const string AccessPath = SamplesInternalCalls.ProjectAccessPath;
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(3);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ProjectMemberships> LoadAsync(Guid userId, CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(ClientName);
        using var response = await http.GetAsync($"{AccessPath}{userId}", cancellationToken);
        response.EnsureSuccessStatusCode(); // anything else says nothing about the user: a dependency failure (503)
        var entries = await response.Content.ReadFromJsonAsync<List<ProjectAccessEntry>>(Json, cancellationToken) ?? [];
        return From(entries);
    }

    /// <summary>The memberships of Samples' answer; an entry with a role this service does not know grants nothing.</summary>
    public static ProjectMemberships From(IReadOnlyList<ProjectAccessEntry> entries)
    {
        var known = entries.Where(e => Contracts.ProjectRoles.IsKnown(e.Role)).ToList();
        return new(known.ToDictionary(e => e.ProjectId, e => e.Role)) { Codes = known.ToDictionary(e => e.ProjectId, e => e.Code) };
    }
}

public static class SamplesMembershipSourceExtensions
{
    /// <summary>
    /// The project membership check of a service other than Samples (Sequencing, Templates): the shared cache, fed by
    /// Samples over HTTP, invalidated through Redis pub/sub like Samples' own (needs <c>AddServiceCache</c>).
    /// </summary>
    public static IHostApplicationBuilder AddProjectAccessFromSamples(this IHostApplicationBuilder builder, string service)
    {
        builder.AddSamplesServiceClient(SamplesMembershipSource.ClientName, service,
            SamplesMembershipSource.AttemptTimeout, SamplesMembershipSource.TotalTimeout);
        return builder.AddProjectAccess<SamplesMembershipSource>(service);
    }
}
