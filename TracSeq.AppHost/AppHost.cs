using TracSeq.AppHost.Hosting;
using TracSeq.AppHost.Hosting.Alertmanager;
using TracSeq.AppHost.Hosting.Elastic;
using TracSeq.AppHost.Hosting.Exporters;
using TracSeq.AppHost.Hosting.Grafana;
using TracSeq.AppHost.Hosting.Jaeger;
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
var sequencingDb = postgres.AddDatabase("sequencingdb");
var cache = builder.AddTracSeqRedis("cache", infra);

// The first lab administrator: no built-in password; a generated one is kept in the AppHost's user secrets.
var adminEmail = builder.AddParameter("admin-email", "admin@tracseq.local");
var adminPassword = builder.AddParameter("admin-password",
    new GenerateParameterDefault { MinLength = 20, Special = false }, secret: true, persist: true);

// Service-to-service calls (/internal/… routes) and client addresses passed between services are signed, each
// service with its own generated key (ServiceKeys, ServiceIdentity); a service holds only the keys it needs.
var serviceKeys = new ServiceKeys(builder);

// The web front end's Data Protection key ring is encrypted in Redis under this generated secret (KeyRingProtection).
var webKeyRingKey = builder.AddParameter("web-key-ring-key",
    new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// Webhook signing secrets are stored sealed (AES-GCM) under a key derived from this generated secret (WebhookSecrets).
var webhookSecretsKey = builder.AddParameter("webhook-secrets-key",
    new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// Services: each owns its database and shares Redis; the gateway on port 8000 is the only public door.
var auth = builder.AddTracSeqService<Projects.TracSeq_Auth>("auth")
    .WithReference(authDb).WaitFor(authDb)
    .WithReference(cache).WaitFor(cache)
    .WithEnvironment("Auth__Bootstrap__Email", adminEmail)
    .WithEnvironment("Auth__Bootstrap__Password", adminPassword)
    .WithServiceKeys(serviceKeys, accepts: "gateway"); // the client address the gateway vouches for

var samples = builder.AddTracSeqService<Projects.TracSeq_Samples>("samples")
    .WithServiceKeys(serviceKeys, signsAs: "samples", accepts: ["templates", "sequencing"]) // signs its label reads from Sequencing
    .WithEnvironment("TracSeq__Webhooks__SecretsKey", webhookSecretsKey)
    .WithReference(samplesDb).WaitFor(samplesDb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(auth);
if (infra.IsLocal)
{
    // Local development: webhooks may go to http and to this machine (a receiver on 127.0.0.1); never in containers.
    samples.WithEnvironment("TracSeq__Webhooks__AllowPrivateTargets", "true");
}

var templates = builder.AddTracSeqService<Projects.TracSeq_Templates>("templates")
    .WithServiceKeys(serviceKeys, signsAs: "templates")
    .WithReference(templatesDb).WaitFor(templatesDb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(auth)
    .WithReference(samples);

// Sequencing: index kits, libraries, pools, runs, sample sheets and QC; reads and moves samples through Samples.
var sequencing = builder.AddTracSeqService<Projects.TracSeq_Sequencing>("sequencing")
    .WithServiceKeys(serviceKeys, signsAs: "sequencing", accepts: "samples") // Samples reads libraries and pools for labels
    .WithReference(sequencingDb).WaitFor(sequencingDb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(auth)
    .WithReference(samples);

// Samples prints the labels of libraries and pools too, so it reads them from Sequencing (no WaitFor: each starts alone).
samples.WithReference(sequencing);

var gateway = builder.AddTracSeqService<Projects.TracSeq_Gateway>("gateway")
    .WithServiceKeys(serviceKeys, signsAs: "gateway", accepts: "web") // believes the browser address the web front end signs
    .WithExternalHttpEndpoints()
    .WithPrivateMetricsEndpoint() // /metrics only there, for Prometheus; 404 on the public port
    .WithReference(cache).WaitFor(cache)
    .WithReference(auth).WaitFor(auth)
    .WithReference(samples).WaitFor(samples)
    .WithReference(templates).WaitFor(templates)
    .WithReference(sequencing).WaitFor(sequencing);

// The web front end on port 5173 for people at the bench: calls only the gateway, keeps sessions in Redis.
var web = builder.AddTracSeqService<Projects.TracSeq_Web>("web")
    .WithServiceKeys(serviceKeys, signsAs: "web")
    .WithEnvironment("Web__KeyRingKey", webKeyRingKey)
    .WithEnvironment("Web__SecureCookies", "false") // plain http://localhost:5173 here; Secure by default elsewhere
    .WithExternalHttpEndpoints()
    .WithPrivateMetricsEndpoint() // /metrics only there, for Prometheus; 404 on the public port
    .WithReference(cache).WaitFor(cache)
    .WithReference(gateway.GetEndpoint("http")).WaitFor(gateway) // the public API only, not the private metrics port
    .WithEnvironment("Web__Links__ApiDocs", ReferenceExpression.Create($"{gateway.GetEndpoint("http")}/docs"));

// Monitoring: exporters for the host, PostgreSQL and Redis; Prometheus scrapes them, every service's /metrics and
// itself, evaluates the alert rules and sends alerts to Alertmanager, which notifies the webhook by severity.
var nodeExporter = builder.AddTracSeqNodeExporter("node-exporter", infra, port: 9100);
var postgresExporter = builder.AddTracSeqPostgresExporter("postgres-exporter", infra, postgres, port: 9187);
var redisExporter = builder.AddTracSeqRedisExporter("redis-exporter", infra, cache, port: 9121);

var alertWebhookUrl = builder.AddParameter("alert-webhook-url")
    .WithDescription("Where Alertmanager posts notifications (webhook JSON); default in appsettings.json.");
var alertmanager = builder.AddTracSeqAlertmanager("alertmanager", infra, alertWebhookUrl, port: 9093);

var prometheus = builder.AddTracSeqPrometheus("prometheus", infra, port: 9090)
    .WithScrapeTarget("gateway", gateway, endpointName: ServiceProjectExtensions.MetricsEndpointName)
    .WithScrapeTarget("auth", auth)
    .WithScrapeTarget("samples", samples)
    .WithScrapeTarget("templates", templates)
    .WithScrapeTarget("sequencing", sequencing)
    .WithScrapeTarget("web", web, endpointName: ServiceProjectExtensions.MetricsEndpointName)
    .WithScrapeTarget("postgres-exporter", postgresExporter)
    .WithScrapeTarget("redis-exporter", redisExporter)
    .WithScrapeTarget("node-exporter", nodeExporter)
    .WithAlertmanager(alertmanager);

// Traces go to Jaeger besides the Aspire dashboard's logs and metrics; Grafana shows the dashboards. Neither is a
// Debian package: local mode runs them only where installed (the start log says when they are not).
var jaeger = builder.AddTracSeqJaeger("jaeger", infra, uiPort: 16686)?
    .CollectTracesFrom(gateway, auth, samples, templates, sequencing, web);
builder.AddTracSeqGrafana("grafana", infra, prometheus, jaeger, port: 3000);

// Opt-in (TracSeq:Elk=true): the services' logs in Elasticsearch, searched with Kibana.
builder.AddTracSeqElk(infra, elasticsearchPort: 9200, kibanaPort: 5601)?
    .CollectLogsFrom(gateway, auth, samples, templates, sequencing, web);

builder.Build().Run();
