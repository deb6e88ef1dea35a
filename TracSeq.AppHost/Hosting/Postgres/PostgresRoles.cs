using Npgsql;

namespace TracSeq.AppHost.Hosting.Postgres;

/// <summary>The login a service uses for its database: never the superuser.</summary>
/// <param name="Database">the database (e.g. <c>authdb</c>), owned by <paramref name="Role"/></param>
/// <param name="Role">the service's login role (<c>tracseq_auth</c>): owns its database's objects, nothing else</param>
/// <param name="AuditRole">a role nobody logs in as (<c>tracseq_auth_audit</c>), owner of the sealed event tables</param>
/// <param name="Password">the login role's generated password (a secret AppHost parameter)</param>
public sealed record DatabaseRole(string Database, string Role, string AuditRole, ParameterResource Password);

/// <summary>
/// Least privilege in PostgreSQL, done by the AppHost as superuser before any service connects (both modes):
/// <list type="bullet">
/// <item>a login role per service database, <c>NOSUPERUSER NOCREATEDB NOCREATEROLE</c>, owner of that database and so
/// of everything its migrations create (extensions it needs, citext and pg_trgm, are trusted); no other database lets
/// it connect (<c>CONNECT</c> revoked from PUBLIC);</item>
/// <item>in each database, <c>tracseq_seal_append_only(table)</c>: a migration calls it on an event table, which then
/// belongs to the audit role, and the service keeps only <c>SELECT</c> and <c>INSERT</c>: no UPDATE, DELETE or TRUNCATE,
/// and no way to drop the append-only trigger, whatever SQL the service's login runs;</item>
/// <item><c>tracseq_monitor</c> with <c>pg_monitor</c> for the exporter.</item>
/// </list>
/// Passwords are generated secret parameters and set again at every start, so a changed secret never locks anyone out.
/// Objects an older version created as the superuser are handed to the service's role.
/// </summary>
public static class PostgresRoles
{
    public const string MonitorRole = "tracseq_monitor";

    public static string RoleFor(string database) => "tracseq_" + (database.EndsWith("db", StringComparison.Ordinal) ? database[..^2] : database);

    public static async Task ProvisionAsync(string superuserConnectionString, IReadOnlyList<DatabaseRole> roles, string monitorPassword, CancellationToken ct)
    {
        await using (var server = new NpgsqlConnection(WithDatabase(superuserConnectionString, "postgres")))
        {
            await server.OpenAsync(ct);
            await EnsureLoginAsync(server, MonitorRole, monitorPassword, ct);
            await ExecuteAsync(server, $"GRANT pg_monitor TO {MonitorRole}", ct);
            foreach (var role in roles)
            {
                await EnsureLoginAsync(server, role.Role, (await role.Password.GetValueAsync(ct))!, ct);
                await ExecuteAsync(server, $"""
                    DO $$ BEGIN
                        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role.AuditRole}') THEN
                            CREATE ROLE {role.AuditRole} NOLOGIN;
                        END IF;
                    END $$
                    """, ct);
                if (await ScalarAsync(server, "SELECT 1 FROM pg_database WHERE datname = $1", role.Database, ct) is null)
                {
                    try
                    {
                        await ExecuteAsync(server, $"CREATE DATABASE {role.Database} OWNER {role.Role}", ct);
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
                    {
                        // Created meanwhile (container mode's own database creation): made the role's below.
                    }
                }
                await ExecuteAsync(server, $"ALTER DATABASE {role.Database} OWNER TO {role.Role}", ct);
                await ExecuteAsync(server, $"REVOKE ALL ON DATABASE {role.Database} FROM PUBLIC", ct);
            }
        }
        foreach (var role in roles)
        {
            await using var database = new NpgsqlConnection(WithDatabase(superuserConnectionString, role.Database));
            await database.OpenAsync(ct);
            await ExecuteAsync(database, SealFunction(role), ct);
            await ExecuteAsync(database, HandOverSuperuserObjects(role), ct);
        }
    }

    private static string SealFunction(DatabaseRole role) => $$"""
        CREATE OR REPLACE FUNCTION public.tracseq_seal_append_only(event_table regclass) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
        BEGIN
            -- Sealed already (by an earlier start, or on Kubernetes by the seal Job racing the migration): nothing to do,
            -- and no error, or the migration that calls this would fail the service's start for good.
            IF (SELECT relowner FROM pg_class WHERE oid = event_table) = (SELECT oid FROM pg_roles WHERE rolname = '{{role.AuditRole}}') THEN
                RETURN;
            END IF;
            IF (SELECT relowner FROM pg_class WHERE oid = event_table) <> (SELECT oid FROM pg_roles WHERE rolname = session_user) THEN
                RAISE EXCEPTION 'only the owner of % may seal it', event_table;
            END IF;
            EXECUTE format('ALTER TABLE %s OWNER TO {{role.AuditRole}}', event_table);
            EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', event_table);
            EXECUTE format('GRANT SELECT, INSERT ON %s TO %I', event_table, session_user);
        END
        $fn$;
        REVOKE ALL ON FUNCTION public.tracseq_seal_append_only(regclass) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION public.tracseq_seal_append_only(regclass) TO {{role.Role}};
        """;

    /// <summary>Tables, free-standing sequences, views and functions an older version created as the superuser.</summary>
    private static string HandOverSuperuserObjects(DatabaseRole role) => $$"""
        DO $$
        DECLARE o record;
        BEGIN
            FOR o IN SELECT c.oid::regclass AS name FROM pg_class c
                     WHERE c.relnamespace = 'public'::regnamespace AND c.relowner = 'postgres'::regrole
                       AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
            LOOP
                EXECUTE format('ALTER TABLE %s OWNER TO {{role.Role}}', o.name);
            END LOOP;
            FOR o IN SELECT p.oid::regprocedure AS name FROM pg_proc p
                     WHERE p.pronamespace = 'public'::regnamespace AND p.proowner = 'postgres'::regrole
                       AND p.proname <> 'tracseq_seal_append_only'
                       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
            LOOP
                EXECUTE format('ALTER FUNCTION %s OWNER TO {{role.Role}}', o.name);
            END LOOP;
        END $$
        """;

    private static async Task EnsureLoginAsync(NpgsqlConnection server, string role, string password, CancellationToken ct)
    {
        var exists = await ScalarAsync(server, "SELECT 1 FROM pg_roles WHERE rolname = $1", role, ct) is not null;
        await using var statement = new NpgsqlCommand(
            exists
                ? "SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', $1::text, $2::text)"
                : "SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', $1::text, $2::text)",
            server) { Parameters = { new() { Value = role }, new() { Value = password } } };
        await ExecuteAsync(server, (string)(await statement.ExecuteScalarAsync(ct))!, ct);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, string value, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = value } } };
        return await command.ExecuteScalarAsync(ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    // Unpooled: provisioning runs again each time PostgreSQL becomes ready (after a restart too), and a pooled
    // connection kept from before the restart is dead ("57P01 terminating connection"), which failed the start of
    // every service waiting on its database (found by the fault suite, TracSeq.Tests/Faults).
    private static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Pooling = false }.ConnectionString;
}
