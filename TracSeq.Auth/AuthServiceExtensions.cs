using Microsoft.AspNetCore.Authentication.JwtBearer;
using TracSeq.Auth.Bootstrap;
using TracSeq.Auth.Events;
using TracSeq.Auth.Sessions;
using TracSeq.Auth.Tokens;

namespace TracSeq.Auth;

public static class AuthServiceExtensions
{
    /// <summary>
    /// Auth's own parts. Registered after the database, so at start the migrations run first, then the signing keys
    /// load (or are created), then the first administrator is ensured, all before the service listens.
    /// </summary>
    public static IHostApplicationBuilder AddAuthService(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SigningKeyStore>();
        services.AddHostedService(sp => sp.GetRequiredService<SigningKeyStore>());
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<SessionIssuer>();
        services.AddSingleton<AuthEventLog>();
        services.AddHostedService<AdminBootstrap>();
        services.AddLoginRateLimit(builder.Configuration);

        // Auth checks its own tokens with the keys it holds instead of fetching its own discovery document.
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .PostConfigure<SigningKeyStore>((options, keys) => options.ConfigurationManager = keys);

        AuthMetrics.PublishInitialSeries();
        return builder;
    }
}
