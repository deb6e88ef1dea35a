using Yarp.ReverseProxy.Forwarder;

namespace TracSeq.Gateway.Proxy;

/// <summary>
/// When a service cannot be reached or does not answer in time the client gets a problem document, not YARP's empty
/// 502: 504 when the service took longer than the route's timeout, 503 when it is down or refused the connection.
/// </summary>
public static class UpstreamErrors
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        await next();

        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted)
        {
            return;
        }

        var (status, title) = error.Error switch
        {
            ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, "The service did not answer in time."),
            ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled or ForwarderError.RequestCanceled =>
                (StatusCodes.Status400BadRequest, "The request was cancelled or its body could not be read."),
            _ => (StatusCodes.Status503ServiceUnavailable, "The service behind this route is unavailable; try again shortly."),
        };
        if (IsBodyTooLarge(error.Exception))
        {
            (status, title) = (StatusCodes.Status413PayloadTooLarge, "The request body is larger than this route accepts.");
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "5";
        }
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title },
        });
    }

    // Kestrel's "body too large" comes wrapped in whatever YARP was doing when it read past the limit.
    private static bool IsBodyTooLarge(Exception? exception) => exception switch
    {
        null => false,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => true,
        _ => IsBodyTooLarge(exception.InnerException),
    };
}
