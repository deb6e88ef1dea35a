using System.Text.Json;
using System.Text.Json.Nodes;
using Yarp.ReverseProxy.Transforms;

namespace TracSeq.Gateway.Docs;

/// <summary>
/// The services' OpenAPI documents, as the gateway serves them (routes <c>openapi-*</c>), name the gateway as their
/// server, so "Try it" in the docs goes through it. A service cannot name it itself: it believes no forwarded host.
/// </summary>
public static class OpenApiServers
{
    public const string RoutePrefix = "openapi-";

    public static IReverseProxyBuilder AddOpenApiServers(this IReverseProxyBuilder proxy) =>
        proxy.AddTransforms(context =>
        {
            if (!context.Route.RouteId.StartsWith(RoutePrefix, StringComparison.Ordinal))
            {
                return;
            }
            context.AddResponseTransform(async transform =>
            {
                if (transform.ProxyResponse is not { IsSuccessStatusCode: true } response)
                {
                    return;
                }
                var http = transform.HttpContext;
                if (JsonNode.Parse(await response.Content.ReadAsStreamAsync(http.RequestAborted)) is not JsonObject document)
                {
                    return;
                }
                document["servers"] = new JsonArray(new JsonObject { ["url"] = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/" });
                var body = JsonSerializer.SerializeToUtf8Bytes(document);
                transform.SuppressResponseBody = true;
                http.Response.ContentLength = body.Length;
                await http.Response.Body.WriteAsync(body, http.RequestAborted);
            });
        });
}
