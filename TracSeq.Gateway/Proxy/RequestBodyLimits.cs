using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Model;

namespace TracSeq.Gateway.Proxy;

/// <summary>
/// A body size cap per route: small by default (<c>Gateway:MaxRequestBodyBytes</c>, 1 MiB), larger where a route says
/// so in its metadata (<c>MaxRequestBodyBytes</c>: spreadsheet uploads). An oversize body is refused with a 413
/// problem before anything reaches a service.
/// </summary>
public sealed class RequestBodyLimits(IConfiguration configuration)
{
    public const string MetadataKey = "MaxRequestBodyBytes";
    private readonly long _default = configuration.GetValue<long>("Gateway:MaxRequestBodyBytes", 1024 * 1024);

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var route = context.Features.Get<IReverseProxyFeature>()?.Route.Config;
        var limit = route?.Metadata?.TryGetValue(MetadataKey, out var configured) == true
            ? long.Parse(configured, CultureInfo.InvariantCulture)
            : _default;

        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
            {
                HttpContext = context,
                ProblemDetails = { Status = 413, Title = $"The request body is larger than the {limit} bytes this route accepts." },
            });
            return;
        }

        // Bodies without a Content-Length (chunked) are cut off by Kestrel at the same size.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        await next();
    }
}
