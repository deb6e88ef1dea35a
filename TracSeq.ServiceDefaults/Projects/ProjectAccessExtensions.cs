using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TracSeq.ServiceDefaults.Projects;

public static class ProjectAccessExtensions
{
    /// <summary>
    /// The project membership check: the per-replica cache kept current by Redis pub/sub (needs
    /// <c>AddServiceCache</c>), its source, the resolver handlers ask, and the refusal metrics named after
    /// <paramref name="service"/>.
    /// </summary>
    public static IHostApplicationBuilder AddProjectAccess<TSource>(this IHostApplicationBuilder builder, string service)
        where TSource : class, IProjectMembershipSource
    {
        builder.Services.AddSingleton<IProjectMembershipSource, TSource>();
        builder.Services.AddSingleton<MembershipCache>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MembershipCache>());
        builder.Services.AddSingleton<ProjectAccessResolver>();
        builder.Services.AddSingleton(sp => new AuthorizationDenials(service, sp.GetRequiredService<ILogger<AuthorizationDenials>>()));
        return builder;
    }
}
