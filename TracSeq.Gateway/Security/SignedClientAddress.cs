using TracSeq.ServiceDefaults.Security;
using Yarp.ReverseProxy.Transforms;

namespace TracSeq.Gateway.Security;

/// <summary>
/// Auth counts sign-ins per client address and records it in its events, but sees every request come from the
/// gateway. So the gateway tells Auth the address it believes (its own connection's, or the one the web front end
/// signed), signed with the gateway's key (<see cref="ServiceSignature.CreateClientAddress"/>); Auth believes nothing
/// else (no X-Forwarded-For from anyone it has not been told to trust).
/// </summary>
public static class SignedClientAddress
{
    public const string Signer = "gateway";
    public const string AuthCluster = "auth";

    public static IReverseProxyBuilder AddSignedClientAddress(this IReverseProxyBuilder proxy, IConfiguration configuration) =>
        proxy.AddTransforms(context =>
        {
            if (context.Cluster?.ClusterId != AuthCluster)
            {
                return;
            }
            context.AddRequestTransform(transform =>
            {
                transform.ProxyRequest.Headers.Remove(ServiceSignature.ClientAddressHeader);
                if (ServiceIdentity.KeyOf(configuration, Signer) is { } key &&
                    transform.HttpContext.Connection.RemoteIpAddress is { } address)
                {
                    var target = (transform.Path.HasValue ? transform.Path : transform.HttpContext.Request.Path).ToUriComponent()
                                 + transform.Query.QueryString.ToUriComponent();
                    transform.ProxyRequest.Headers.TryAddWithoutValidation(ServiceSignature.ClientAddressHeader,
                        ServiceSignature.CreateClientAddress(address.ToString(), Signer, AuthCluster, key,
                            TimeProvider.System.GetUtcNow(), transform.HttpContext.Request.Method, target));
                }
                return ValueTask.CompletedTask;
            });
        });
}
