using TracSeq.AppHost.Hosting;
using TracSeq.AppHost.Hosting.Postgres;
using TracSeq.AppHost.Hosting.Prometheus;
using TracSeq.AppHost.Hosting.Redis;

var builder = DistributedApplication.CreateBuilder(args);
var infra = InfrastructureSettings.Resolve(builder); // local executables or containers, see README

// Infrastructure: one PostgreSQL server with a database per service, and one Redis.
var postgres = builder.AddTracSeqPostgres("postgres", infra);
var authDb = postgres.AddDatabase("authdb");
var samplesDb = postgres.AddDatabase("samplesdb");
var templatesDb = postgres.AddDatabase("templatesdb");
var cache = builder.AddTracSeqRedis("cache", infra);

// The first lab administrator: no built-in password; a generated one is kept in the AppHost's user secrets.
var adminEmail = builder.AddParameter("admin-email", "admin@tracseq.local");
var adminPassword = builder.AddParameter("admin-password",
    new GenerateParameterDefault { MinLength = 20, Special = false }, secret: true, persist: true);

// Services: each owns its database and shares Redis; the gateway on port 8000 is the only public door.
var auth = builder.AddTracSeqService<Projects.TracSeq_Auth>("auth")
    .WithReference(authDb).WaitFor(authDb)
    .WithReference(cache).WaitFor(cache)
    .WithEnvironment("Auth__Bootstrap__Email", adminEmail)
    .WithEnvironment("Auth__Bootstrap__Password", adminPassword);

var samples = builder.AddTracSeqService<Projects.TracSeq_Samples>("samples")
    .WithReference(samplesDb).WaitFor(samplesDb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(auth);

var templates = builder.AddTracSeqService<Projects.TracSeq_Templates>("templates")
    .WithReference(templatesDb).WaitFor(templatesDb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(auth)
    .WithReference(samples);

var gateway = builder.AddTracSeqService<Projects.TracSeq_Gateway>("gateway")
    .WithExternalHttpEndpoints()
    .WithReference(cache).WaitFor(cache)
    .WithReference(auth).WaitFor(auth)
    .WithReference(samples).WaitFor(samples)
    .WithReference(templates).WaitFor(templates);

// Monitoring: Prometheus scrapes every service's /metrics (and itself) and loads the alert rules.
builder.AddTracSeqPrometheus("prometheus", infra, port: 9090)
    .WithScrapeTarget("gateway", gateway)
    .WithScrapeTarget("auth", auth)
    .WithScrapeTarget("samples", samples)
    .WithScrapeTarget("templates", templates);

builder.Build().Run();
