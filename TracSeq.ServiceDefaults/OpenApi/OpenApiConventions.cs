using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace TracSeq.ServiceDefaults.OpenApi;

/// <summary>
/// What every TracSeq OpenAPI document says the same way: the bearer-token scheme, the problems any endpoint can
/// answer (401 without a valid token, 403 below the endpoint's role, 503 when a dependency is down), and examples.
/// Operation summaries and descriptions come from the handlers' XML documentation (summary and remarks).
/// </summary>
public static class OpenApiConventions
{
    public const string ProblemJson = "application/problem+json";
    public const string BearerScheme = "Bearer";

    /// <summary>
    /// Adds the bearer scheme to document <c>v1</c> and marks every operation that needs a token. Call after
    /// <c>AddOpenApi()</c> in the service's Program.cs (which must stay there: it is what wires in the XML comments).
    /// </summary>
    public static IServiceCollection AddTracSeqOpenApi(this IServiceCollection services) =>
        services.Configure<OpenApiOptions>("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An access token from POST /api/auth/login (valid 15 minutes; renew with POST /api/auth/refresh).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
                }
                return Task.CompletedTask;
            });
        });

    /// <summary>
    /// Declares the problems every endpoint of a group can answer: 401 (unless it allows anonymous callers), 403 (when
    /// it demands a role), 503 (PostgreSQL, Redis or a downstream service unavailable). Applied last, so it sees the
    /// authorization each endpoint ends up with; statuses an endpoint declares itself are left as they are.
    /// </summary>
    public static TBuilder WithStandardProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            var metadata = endpoint.Metadata;
            var anonymous = metadata.OfType<IAllowAnonymous>().Any();
            if (!anonymous)
            {
                AddProblem(metadata, StatusCodes.Status401Unauthorized);
            }
            if (!anonymous && metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
            {
                AddProblem(metadata, StatusCodes.Status403Forbidden);
            }
            AddProblem(metadata, StatusCodes.Status503ServiceUnavailable);
        });
        return builder;
    }

    /// <summary>An example request body, shown in the documentation and its "try it" form.</summary>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, string json) where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
            {
                media.Example = JsonNode.Parse(json);
            }
            return Task.CompletedTask;
        });

    /// <summary>An example answer for <paramref name="statusCode"/> (which the endpoint must declare).</summary>
    public static TBuilder WithResponseExample<TBuilder>(this TBuilder builder, int statusCode, string json) where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue(statusCode.ToString(CultureInfo.InvariantCulture), out var response) == true)
            {
                foreach (var media in response.Content?.Values ?? [])
                {
                    media.Example = JsonNode.Parse(json);
                }
            }
            return Task.CompletedTask;
        });

    private static void AddProblem(IList<object> metadata, int statusCode)
    {
        if (!metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == statusCode))
        {
            metadata.Add(new ProducesResponseTypeMetadata(statusCode, typeof(ProblemDetails), [ProblemJson]));
        }
    }
}
