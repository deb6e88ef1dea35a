using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace TracSeq.AppHost.Hosting.Redis;

/// <summary>redis-server from the machine (local mode), password-protected, on a port Aspire allocates.</summary>
public sealed class LocalRedisResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");
}

public static class RedisHostingExtensions
{
    public const string DataVolumeName = "tracseq-redis-data";

    /// <summary>
    /// Redis holds the token deny list next to the read cache. An evicting policy would drop revocations under memory
    /// pressure (each has an expiry, so even volatile-* policies may pick them), and a revoked token would work again.
    /// So nothing is ever evicted: at the limit Redis refuses writes, which the cache tolerates (a miss) and a revocation
    /// reports (503, retried). The cache stays bounded by its entries' 10-minute lifetime.
    /// </summary>
    public const string MaxMemory = "256mb";
    public const string MaxMemoryPolicy = "noeviction";

    public static IResourceBuilder<IResourceWithConnectionString> AddTracSeqRedis(
        this IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra) =>
        infra.IsLocal ? AddLocalRedis(builder, name, infra) : AddContainerRedis(builder, name);

    private static IResourceBuilder<IResourceWithConnectionString> AddContainerRedis(IDistributedApplicationBuilder builder, string name) =>
        // The image's command line is "redis-server …" run by a shell; the memory settings are added to it.
        builder.AddRedis(name).WithDataVolume(DataVolumeName).WithArgs(context =>
        {
            for (var i = 0; i < context.Args.Count; i++)
            {
                if (context.Args[i] is string command && command.StartsWith("redis-server", StringComparison.Ordinal))
                {
                    context.Args[i] = $"{command} --maxmemory {MaxMemory} --maxmemory-policy {MaxMemoryPolicy}";
                }
            }
        });

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRedis(IDistributedApplicationBuilder builder, string name,
        InfrastructureSettings infra)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        var dataDirectory = Path.Combine(infra.DataDirectory, "redis");
        var configFile = Path.Combine(dataDirectory, "redis.conf");
        var redis = new LocalRedisResource(name, infra.Programs.Resolve(LocalPrograms.Redis), dataDirectory, password);

        // The password stays out of the command line (and the dashboard): it goes into a config file written
        // just before start. The port is known only when DCP starts the process, so it comes as an argument.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (_, ct) =>
            await WriteConfigAsync(configFile, dataDirectory, (await password.GetValueAsync(ct))!, ct));

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, ct) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(ct));
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException("Connection string is unavailable"),
            name: healthCheck);

        return builder.AddResource(redis)
            .WithArgs(configFile, "--port", redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort))
            .WithEndpoint(name: LocalRedisResource.PrimaryEndpointName, scheme: "tcp")
            .WithHealthCheck(healthCheck);
    }

    private static async Task WriteConfigAsync(string configFile, string dataDirectory, string secret, CancellationToken ct)
    {
        Directory.CreateDirectory(dataDirectory);
        await File.WriteAllTextAsync(configFile, string.Create(CultureInfo.InvariantCulture, $"""
            # Written by the TracSeq AppHost at every start; edits are lost.
            bind 127.0.0.1
            protected-mode yes
            requirepass "{secret}"
            dir "{dataDirectory}"
            save 300 1
            appendonly no
            maxmemory {MaxMemory}
            maxmemory-policy {MaxMemoryPolicy}
            """), ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
