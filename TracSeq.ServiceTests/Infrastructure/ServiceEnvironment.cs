namespace TracSeq.ServiceTests.Infrastructure;

/// <summary>
/// The settings the AppHost gives each service (connection strings, the first administrator, service keys), as
/// environment variables of this test process: a service reads them while it builds itself, as it does under the
/// AppHost. Every service in this process sees them all; each reads only its own.
/// </summary>
public static class ServiceEnvironment
{
    public const string AdminEmail = "admin@tracseq.local";

    /// <summary>The first administrator's password, chosen afresh for every run (no default credentials).</summary>
    public static readonly string AdminPassword = $"Adm1n-{Guid.NewGuid():N}";

    /// <summary>Where the services believe other services are; nothing listens there: their clients are faked.</summary>
    public const string UnreachableService = "http://127.0.0.1:9";

    private static readonly object Gate = new();

    public static void Apply(LocalInfrastructure infrastructure)
    {
        lock (Gate)
        {
            foreach (var database in LocalInfrastructure.Databases)
            {
                Set($"ConnectionStrings__{database}", infrastructure.ConnectionString(database));
            }
            Set("ConnectionStrings__cache", infrastructure.RedisConnectionString);
            Set("Auth__Bootstrap__Email", AdminEmail);
            Set("Auth__Bootstrap__Password", AdminPassword);
            foreach (var service in new[] { "auth", "samples", "templates", "sequencing", "gateway", "web" })
            {
                Environment.SetEnvironmentVariable($"TracSeq__ServiceKeys__{service}",
                    Environment.GetEnvironmentVariable($"TracSeq__ServiceKeys__{service}")
                        ?? Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
                Set($"services__{service}__http__0", UnreachableService);
            }
            // The tests play many people from one machine: services believe the X-Forwarded-For sent from loopback, so
            // per-address sign-in limits count each test apart (the whole-system suite sets the same for Auth).
            Set("ForwardedHeaders__TrustLoopback", "true");
            // Warnings and errors only: every request's information lines in the test output cost a loaded 2-core
            // machine time and bury a failure's own lines. No test of this tier reads the services' logs.
            Set("Logging__LogLevel__Default", "Warning");
        }
    }

    private static void Set(string name, string value) => Environment.SetEnvironmentVariable(name, value);
}
