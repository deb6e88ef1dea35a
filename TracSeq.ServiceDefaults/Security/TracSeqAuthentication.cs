using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.ServiceDefaults.Security;

/// <summary>
/// Bearer tokens validated locally, with the signing keys the Auth service publishes at
/// <c>/.well-known/openid-configuration</c> (fetched once by service discovery name and cached; no call to Auth per
/// request), the role policies of the product contract, and the Redis deny list. Every endpoint requires a signed-in
/// user unless it says <c>AllowAnonymous</c>.
/// </summary>
public static class TracSeqAuthentication
{
    public const string MetadataClientName = "tracseq-auth-metadata";
    private const string MetadataFailureKey = "tracseq.auth.metadata-failure";

    public static IHostApplicationBuilder AddTracSeqAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TokenDenyList>();
        builder.Services.AddSingleton<RevocationCheck>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RevocationCheck>());
        builder.Services.AddSingleton<CachingJsonWebTokenHandler>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();

        // Token checks must answer fast: no retries, a short timeout, and a 503 if Auth cannot be asked for its keys.
#pragma warning disable EXTEXP0001 // experimental API; the alternative is hand-building a service-discovery client
        builder.Services.AddHttpClient(MetadataClientName, client => client.Timeout = TimeSpan.FromSeconds(5))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory, IConfiguration, CachingJsonWebTokenHandler>(ConfigureBearer);

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddRolePolicies();
        return builder;
    }

    /// <summary>Keys from Auth's metadata (by service discovery name), tokens cached once validated, the product's claims.</summary>
    private static void ConfigureBearer(JwtBearerOptions options, IHttpClientFactory http, IConfiguration config, CachingJsonWebTokenHandler tokenHandler)
    {
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(tokenHandler); // validated tokens cached until they expire
        var authority = config["Auth:Authority"] ?? "http://auth";
        options.MetadataAddress = $"{authority.TrimEnd('/')}/.well-known/openid-configuration";
        options.RequireHttpsMetadata = false; // inside the application network, by service discovery name
        options.Backchannel = http.CreateClient(MetadataClientName);
        options.MapInboundClaims = false;
        options.RefreshOnIssuerKeyNotFound = true;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = TokenDefaults.Issuer,
            ValidAudience = TokenDefaults.Audience,
            ValidAlgorithms = [TokenDefaults.Algorithm],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = TokenDefaults.ClockSkew,
            NameClaimType = "sub",
            RoleClaimType = "role",
        };
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = RefuseRevokedAsync,
            OnAuthenticationFailed = NoteKeyRetrievalFailure,
            OnChallenge = AnswerKeysUnavailableAsync,
        };
    }

    private static async Task RefuseRevokedAsync(TokenValidatedContext context)
    {
        var revocation = context.HttpContext.RequestServices.GetRequiredService<RevocationCheck>();
        if (await revocation.IsRevokedAsync(context.Principal!))
        {
            context.Fail("The token has been revoked.");
        }
    }

    private static Task NoteKeyRetrievalFailure(AuthenticationFailedContext context)
    {
        if (IsKeyRetrievalFailure(context.Exception))
        {
            context.HttpContext.Items[MetadataFailureKey] = true;
        }
        return Task.CompletedTask;
    }

    /// <summary>A token that could not be checked because Auth's keys could not be fetched: 503, not 401.</summary>
    private static async Task AnswerKeysUnavailableAsync(JwtBearerChallengeContext context)
    {
        if (!context.HttpContext.Items.ContainsKey(MetadataFailureKey))
        {
            return;
        }
        context.HandleResponse();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
        {
            HttpContext = context.HttpContext,
            ProblemDetails = { Status = 503, Title = "Tokens cannot be checked: the Auth service is unavailable." },
        });
    }

    private static AuthorizationBuilder AddRolePolicies(this AuthorizationBuilder authorization)
    {
        foreach (var (policy, minimum) in Policies.MinimumRole)
        {
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(Roles.AtLeast(minimum)));
        }
        return authorization;
    }

    // The handler wraps a failed metadata fetch in InvalidOperationException ("IDX20803: Unable to obtain configuration").
    private static bool IsKeyRetrievalFailure(Exception exception) =>
        ProblemDetailsExtensions.IsDependencyFailure(exception) ||
        exception.Message.Contains("IDX20803", StringComparison.Ordinal);
}
