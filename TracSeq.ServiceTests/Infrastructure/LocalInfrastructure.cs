using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using TracSeq.AppHost.Hosting.Postgres;

namespace TracSeq.ServiceTests.Infrastructure;

/// <summary>
/// One PostgreSQL and one Redis for the whole test run, from the same Debian programs the AppHost's local mode runs
/// (PostgreSQL through the AppHost's own start script), in a fresh temporary folder on free loopback ports, with a
/// database and a least-privilege login per service (the AppHost's <see cref="PostgresRoles"/>). Every service
/// fixture holds a reference; the last one to let go stops both servers and removes the folder.
/// </summary>
public sealed class LocalInfrastructure
{
    public static readonly string[] Databases = ["authdb", "samplesdb", "templatesdb", "sequencingdb"];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static LocalInfrastructure? _current;
    private static int _holders;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"tracseq-svc-{Guid.NewGuid():N}"[..24]);
    private readonly string _postgresPassword = Secret();
    private readonly string _redisPassword = Secret();
    private readonly Dictionary<string, string> _rolePasswords = Databases.ToDictionary(d => d, _ => Secret());
    private Process? _postgres;
    private Process? _redis;
    private int _postgresPort;
    private int _redisPort;

    /// <summary>How long starting both servers and provisioning the databases took.</summary>
    public TimeSpan StartDuration { get; private set; }

    /// <summary>The service's own login on its database (never the superuser), as the AppHost hands it over.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={_postgresPort};Username={PostgresRoles.RoleFor(database)};Password={_rolePasswords[database]};Database={database}";

    public string SuperuserConnectionString(string database) =>
        $"Host=127.0.0.1;Port={_postgresPort};Username=postgres;Password={_postgresPassword};Database={database}";

    /// <summary>The <c>cache</c> connection string, as Aspire's Redis client reads it.</summary>
    public string RedisConnectionString => $"127.0.0.1:{_redisPort},password={_redisPassword}";

    public static async Task<LocalInfrastructure> AcquireAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_current is null)
            {
                var started = new LocalInfrastructure();
                try
                {
                    await started.StartAsync();
                }
                catch
                {
                    await started.StopAsync();
                    throw;
                }
                _current = started;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => started.StopAsync().GetAwaiter().GetResult();
            }
            _holders++;
            return _current;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task ReleaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (--_holders == 0 && _current is not null)
            {
                await _current.StopAsync();
                _current = null;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task StartAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(_directory);
        _postgresPort = FreePort();
        _redisPort = FreePort();
        _postgres = Launch("bash", [Path.Combine(AppContext.BaseDirectory, "Infrastructure", "postgres-local.sh")], new()
        {
            ["PGBIN"] = PostgresBinDirectory(),
            ["PGDATA"] = Path.Combine(_directory, "postgres"),
            ["PGPORT"] = _postgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POSTGRES_PASSWORD"] = _postgresPassword,
            ["PG_DURABLE"] = "false",
        });
        _redis = Launch(Which("redis-server", "redis-server"),
            [await WriteRedisConfigAsync(), "--port", _redisPort.ToString(System.Globalization.CultureInfo.InvariantCulture)], []);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await WaitForPostgresAsync(timeout.Token);
        var roles = Databases.Select(d => new DatabaseRole(d, PostgresRoles.RoleFor(d), PostgresRoles.RoleFor(d) + "_audit",
            new ParameterResource($"{d}-password", _ => _rolePasswords[d], secret: true))).ToList();
        await PostgresRoles.ProvisionAsync(SuperuserConnectionString("postgres"), roles, Secret(), timeout.Token);
        await WaitForPortAsync(_redisPort, _redis, "redis-server", timeout.Token);
        StartDuration = stopwatch.Elapsed;
    }

    private async Task<string> WriteRedisConfigAsync()
    {
        var dataDirectory = Path.Combine(_directory, "redis");
        Directory.CreateDirectory(dataDirectory);
        var configFile = Path.Combine(dataDirectory, "redis.conf");
        // As the AppHost writes it (RedisHostingExtensions), without snapshots: nothing here outlives the run.
        await File.WriteAllTextAsync(configFile, $"""
            bind 127.0.0.1
            protected-mode yes
            requirepass "{_redisPassword}"
            dir "{dataDirectory}"
            save ""
            appendonly no
            maxmemory 256mb
            maxmemory-policy noeviction
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return configFile;
    }

    private async Task WaitForPostgresAsync(CancellationToken ct)
    {
        while (true)
        {
            if (_postgres!.HasExited)
            {
                throw new InvalidOperationException($"PostgreSQL exited with {_postgres.ExitCode}: {Output(_postgres)}");
            }
            try
            {
                await using var connection = new NpgsqlConnection(SuperuserConnectionString("postgres") + ";Pooling=false;Timeout=2");
                await connection.OpenAsync(ct);
                return;
            }
            catch (NpgsqlException)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    private static async Task WaitForPortAsync(int port, Process process, string name, CancellationToken ct)
    {
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}: {Output(process)}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, ct);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, ct);
            }
        }
    }

    private async Task StopAsync()
    {
        // SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every pooled connection to close).
        await SignalAndWaitAsync(_postgres, "INT");
        await SignalAndWaitAsync(_redis, "TERM");
        (_postgres, _redis) = (null, null);
        try
        {
            if (Directory.Exists(_directory))
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A server still closing its files; the folder is in the temporary directory and harmless.
        }
    }

    private static async Task SignalAndWaitAsync(Process? process, string signal)
    {
        if (process is null || process.HasExited)
        {
            return;
        }
        // The shell's own kill: bash is there wherever the start script runs, procps may not be.
        using (var kill = Process.Start("bash", ["-c", $"kill -{signal} {process.Id}"]))
        {
            await kill.WaitForExitAsync();
        }
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        process.Dispose();
    }

    private static Process Launch(string fileName, IEnumerable<string> arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = new Process { StartInfo = start };
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        Outputs.Add(process, output);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, System.Text.StringBuilder> Outputs = [];

    private static string Output(Process process)
    {
        if (!Outputs.TryGetValue(process, out var output))
        {
            return "";
        }
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>Where Debian keeps the PostgreSQL server programs (off PATH, one folder per major version).</summary>
    private static string PostgresBinDirectory()
    {
        var onPath = Which("postgres", "postgresql-15", required: false);
        if (onPath is not null)
        {
            return Path.GetDirectoryName(onPath)!;
        }
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            : Enumerable.Empty<string>();
        return versions.Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "postgres")))
            ?? throw new InvalidOperationException("PostgreSQL is not installed: run scripts/install-local-infrastructure.sh (package postgresql-15).");
    }

    private static string Which(string program, string package) => Which(program, package, required: true)!;

    private static string? Which(string program, string package, bool required)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/bin")
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
        return found ?? (required
            ? throw new InvalidOperationException($"{program} is not installed: run scripts/install-local-infrastructure.sh (package {package}).")
            : null);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Secret() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
