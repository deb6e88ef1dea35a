using TracSeq.ServiceTests.Auth;
using TracSeq.ServiceTests.Samples;
using TracSeq.ServiceTests.Sequencing;
using TracSeq.ServiceTests.Templates;

namespace TracSeq.ServiceTests.OpenApi;

// One class per service, each in its service's collection (and so its started service): the document of each is
// compared with its committed snapshot (OpenApiSnapshot says what is ignored and how to refresh one).
// The gateway serves no document of its own: it passes the services' on, naming itself as their server.

[Collection(AuthServiceCollection.Name)]
public sealed class AuthOpenApiSnapshotTests(AuthService service)
{
    [Fact]
    public async Task The_auth_OpenAPI_document_matches_its_snapshot_apart_from_documentation()
    {
        using var client = service.CreateClient();
        await OpenApiSnapshot.AssertMatchesAsync(client, "auth");
    }
}

[Collection(SamplesServiceCollection.Name)]
public sealed class SamplesOpenApiSnapshotTests(SamplesService service)
{
    [Fact]
    public async Task The_samples_OpenAPI_document_matches_its_snapshot_apart_from_documentation()
    {
        using var client = service.CreateClient();
        await OpenApiSnapshot.AssertMatchesAsync(client, "samples");
    }
}

[Collection(TemplatesServiceCollection.Name)]
public sealed class TemplatesOpenApiSnapshotTests(TemplatesService service)
{
    [Fact]
    public async Task The_templates_OpenAPI_document_matches_its_snapshot_apart_from_documentation()
    {
        using var client = service.CreateClient();
        await OpenApiSnapshot.AssertMatchesAsync(client, "templates");
    }
}

[Collection(SequencingServiceCollection.Name)]
public sealed class SequencingOpenApiSnapshotTests(SequencingService service)
{
    [Fact]
    public async Task The_sequencing_OpenAPI_document_matches_its_snapshot_apart_from_documentation()
    {
        using var client = service.CreateClient();
        await OpenApiSnapshot.AssertMatchesAsync(client, "sequencing");
    }
}
