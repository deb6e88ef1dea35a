namespace TracSeq.ServiceTests.Infrastructure;

public static class OutsideClient
{
    /// <summary>
    /// A plain HTTP client to the service, as an outside caller would have: the service's HttpClient instrumentation
    /// runs in this process and would otherwise also trace this client, putting a trace of its own in
    /// <c>traceparent</c> (over one a test sends), which no real caller does. Dispose it.
    /// </summary>
    public static HttpClient Create(Uri address, string? accessToken, DelegatingHandler? first = null)
    {
        var inner = new OutsideCaller { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false } };
        if (first is not null)
        {
            first.InnerHandler = inner;
        }
        var client = new HttpClient((HttpMessageHandler?)first ?? inner) { BaseAddress = address };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        }
        return client;
    }

    private sealed class OutsideCaller : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using (OpenTelemetry.SuppressInstrumentationScope.Begin())
            {
                return await base.SendAsync(request, cancellationToken);
            }
        }
    }
}
