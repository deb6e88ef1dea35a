using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TracSeq.AppHost.Hosting;

public static class OptionalPrograms
{
    /// <summary>
    /// The first of <paramref name="candidates"/> installed on this machine, or null, in which case the start logs
    /// once that <paramref name="what"/> does not run: Grafana, Jaeger and Elasticsearch are not Debian packages, so
    /// their absence is normal and never stops local mode.
    /// </summary>
    public static string? FindOptionalProgram(
        this IDistributedApplicationBuilder builder, InfrastructureSettings infra, string what, params LocalProgram[] candidates)
    {
        var found = candidates.Select(infra.Programs.Find).FirstOrDefault(path => path is not null);
        if (found is null)
        {
            var names = string.Join(" or ", candidates.Select(c => $"'{c.Name}'"));
            builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
            {
                e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TracSeq.AppHost").LogInformation(
                    "{What} is not running: local infrastructure mode found no {Programs} on this machine. Install {Install}, " +
                    "or run the infrastructure as containers (TracSeq__Infrastructure=containers).",
                    what, names, candidates[0].DebianPackage);
                return Task.CompletedTask;
            });
        }
        return found;
    }
}
