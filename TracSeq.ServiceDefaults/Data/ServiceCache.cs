using Microsoft.Extensions.Hosting;

namespace TracSeq.ServiceDefaults.Data;

/// <summary>The shared Redis ("cache"): sample read cache, revoked-token list, shared rate-limit counters.</summary>
public static class ServiceCache
{
    public const string ConnectionName = "cache";

    /// <summary>A multiplexer that reconnects by itself and a readiness check; Redis being down never stops start-up.</summary>
    public static IHostApplicationBuilder AddServiceCache(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(ConnectionName, configureOptions: o => o.AbortOnConnectFail = false);
        return builder;
    }
}
