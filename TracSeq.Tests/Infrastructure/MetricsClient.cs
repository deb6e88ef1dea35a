namespace TracSeq.Tests.Infrastructure;

/// <summary>Where a service's <c>/metrics</c> is read: the gateway and the web front end serve it only on a private "metrics" endpoint
/// (the one Prometheus scrapes), the services on their own endpoint.</summary>
public static class MetricsClient
{
    public static HttpClient For(AppHostFixture fixture, string resource) =>
        fixture.App.CreateHttpClient(resource, resource is "gateway" or "web" ? "metrics" : "http");
}
