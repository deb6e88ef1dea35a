using TracSeq.Gateway.Docs;
using TracSeq.Gateway.Health;
using TracSeq.Gateway.Limits;
using TracSeq.Gateway.Proxy;
using TracSeq.Gateway.Security;
using TracSeq.ServiceDefaults.Data;
using TracSeq.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.AddServiceDefaults();
builder.AddServiceCache();
builder.AddTracSeqAuthentication();
builder.Services.AddGatewayRateLimits(builder.Configuration);
builder.Services.AddEdgeCors(builder.Configuration);
builder.Services.AddDownstreamHealthChecks();
builder.Services.AddSingleton<RequestBodyLimits>();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver()
    .AddSignedClientAddress(builder.Configuration)
    .AddOpenApiServers();

var app = builder.Build();
app.UseSecurityHeaders();
app.UseServiceDefaults();
app.UseRateLimiter();
app.MapApiDocs();
app.MapReverseProxy(proxy =>
{
    proxy.Use(UpstreamErrors.InvokeAsync);
    proxy.Use(app.Services.GetRequiredService<RequestBodyLimits>().InvokeAsync);
    proxy.UseSessionAffinity();
    proxy.UseLoadBalancing();
    proxy.UsePassiveHealthChecks();
});

app.Run();
