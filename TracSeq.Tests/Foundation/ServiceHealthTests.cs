using System.Net;
using System.Text.Json;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Foundation;

[Collection(AppHostCollection.Name)]
public sealed class ServiceHealthTests(AppHostFixture fixture)
{
    public static TheoryData<string> Services => [.. AppHostFixture.Services];

    [Fact]
    public void Every_resource_reached_healthy()
    {
        var notifications = fixture.App.ResourceNotifications;
        foreach (var resource in AppHostFixture.Infrastructure.Concat(AppHostFixture.Services))
        {
            notifications.TryGetCurrentState(resource, out var state).ShouldBeTrue(resource);
            state!.Snapshot.HealthStatus.ShouldBe(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, resource);
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Alive_answers_200_with_only_the_liveness_check(string service)
    {
        using var client = fixture.CreateClient(service);
        using var response = await client.GetAsync("/alive");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().ShouldBe("Healthy");
        body.RootElement.GetProperty("checks").EnumerateObject().Select(c => c.Name).ShouldBe(["self"]);
    }

    [Theory]
    [InlineData("auth", new[] { "PostgreSql", "StackExchange.Redis" })]
    [InlineData("samples", new[] { "PostgreSql", "StackExchange.Redis" })]
    [InlineData("templates", new[] { "PostgreSql", "StackExchange.Redis" })]
    [InlineData("sequencing", new[] { "PostgreSql", "StackExchange.Redis" })]
    [InlineData("gateway", new[] { "StackExchange.Redis" })]
    [InlineData("web", new[] { "StackExchange.Redis" })]
    public async Task Health_answers_200_and_checks_the_service_dependencies(string service, string[] dependencies)
    {
        using var client = fixture.CreateClient(service);
        using var response = await client.GetAsync("/health");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().ShouldBe("Healthy");
        var checks = body.RootElement.GetProperty("checks");
        foreach (var dependency in dependencies)
        {
            checks.GetProperty(dependency).GetProperty("status").GetString().ShouldBe("Healthy", dependency);
        }
    }

    [Theory]
    [InlineData("auth", "TracSeq.Auth")]
    [InlineData("samples", "TracSeq.Samples")]
    [InlineData("templates", "TracSeq.Templates")]
    [InlineData("sequencing", "TracSeq.Sequencing")]
    public async Task Each_service_serves_its_OpenAPI_document(string service, string title)
    {
        using var client = fixture.CreateClient(service);
        using var response = await client.GetAsync("/openapi/v1.json");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("info").GetProperty("title").GetString()!.ShouldStartWith(title);
    }
}
