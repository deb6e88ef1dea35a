namespace TracSeq.AppHost.Hosting;

public static class LoopbackListenAddress
{
    /// <summary>
    /// Prometheus, Alertmanager and the exporters all take their address as <c>--web.listen-address</c>: loopback only,
    /// on the port DCP assigns when it starts the process (clients come through the endpoint's proxy).
    /// </summary>
    public static IResourceBuilder<ExecutableResource> WithLoopbackListenAddress(this IResourceBuilder<ExecutableResource> server, string endpointName = "http")
    {
        var endpoint = server.GetEndpoint(endpointName);
        return server.WithArgs(context =>
            context.Args.Add(ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{endpoint.Property(EndpointProperty.TargetPort)}")));
    }
}
