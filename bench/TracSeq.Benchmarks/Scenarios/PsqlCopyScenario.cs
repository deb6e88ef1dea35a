using System.Diagnostics;
using Npgsql;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// Scenario 4's floor: the same CSV rows loaded by <c>psql \copy</c> (client-side COPY, CSV with header) into a
/// scratch table of <c>samplesdb</c> with typed columns, timed from starting psql to its exit (connecting included).
/// No validation, barcodes, audit events, HTTP or services.
/// </summary>
public sealed class PsqlCopyScenario(int rows) : IBenchmarkScenario
{
    private const string Table = "bench_psql_copy_rows";
    private static readonly string Prefix = $"PSQ{Guid.NewGuid():N}"[..9].ToUpperInvariant();

    private NpgsqlConnectionStringBuilder? _connection;

    public string Name => $"`psql \\copy` of the same rows into a scratch table ({rows:N0} rows)";

    public bool IsBaseline => true;

    public long ItemsPerRun => rows;

    public async Task PrepareAsync(BenchmarkHost host, CancellationToken ct)
    {
        _connection = new NpgsqlConnectionStringBuilder(await host.ConnectionStringAsync("samplesdb"));
        await using var db = new NpgsqlConnection(_connection.ConnectionString);
        await db.OpenAsync(ct);
        await using var create = new NpgsqlCommand(
            $"""
             CREATE TABLE IF NOT EXISTS {Table} (
                 sample_name text NOT NULL, sample_type text NOT NULL, barcode text NOT NULL, volume_ul numeric,
                 concentration numeric, collected date, project text, replicate integer, passed_qc boolean, notes text, donor text)
             """, db);
        await create.ExecuteNonQueryAsync(ct);
    }

    public async Task<TimeSpan> RunOnceAsync(int run, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"tracseq-bench-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(file, SubmissionScenario.Sheet(rows, run, Prefix), ct);
        try
        {
            var start = new ProcessStartInfo("psql") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", $"\\copy {Table} FROM '{file}' WITH (FORMAT csv, HEADER true)" })
            {
                start.ArgumentList.Add(arg);
            }
            start.Environment["PGHOST"] = _connection!.Host;
            start.Environment["PGPORT"] = _connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["PGUSER"] = _connection.Username;
            start.Environment["PGPASSWORD"] = _connection.Password;
            start.Environment["PGDATABASE"] = _connection.Database;

            var clock = Stopwatch.StartNew();
            using var psql = Process.Start(start) ?? throw new InvalidOperationException("psql did not start.");
            var errors = psql.StandardError.ReadToEndAsync(ct);
            await psql.StandardOutput.ReadToEndAsync(ct);
            await psql.WaitForExitAsync(ct);
            clock.Stop();
            if (psql.ExitCode != 0)
            {
                throw new InvalidOperationException($"psql \\copy failed ({psql.ExitCode}): {await errors}");
            }
            return clock.Elapsed;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
