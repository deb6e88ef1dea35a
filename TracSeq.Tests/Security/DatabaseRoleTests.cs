using Npgsql;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Security;

/// <summary>
/// Every service reaches PostgreSQL with its own login, not the superuser: owner of its database's objects, nothing
/// more; its event table sealed so that not even its own login can rewrite history; the exporter with pg_monitor.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class DatabaseRoleTests(AppHostFixture fixture)
{
    [Theory]
    [InlineData("authdb", "tracseq_auth")]
    [InlineData("samplesdb", "tracseq_samples")]
    [InlineData("templatesdb", "tracseq_templates")]
    public async Task A_service_logs_in_as_its_own_role_without_superuser_rights_and_owns_its_tables(string database, string role)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await fixture.GetConnectionStringAsync(database));
        connectionString.Username.ShouldBe(role);

        await using var db = new NpgsqlConnection(connectionString.ConnectionString);
        await db.OpenAsync();
        await using var rights = new NpgsqlCommand(
            """
            SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls,
                   (SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> current_user
                      AND tablename NOT IN ('auth_events', 'sample_events', 'project_events'))
            FROM pg_roles WHERE rolname = current_user
            """, db);
        await using var reader = await rights.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetBoolean(0).ShouldBeFalse("superuser");
        reader.GetBoolean(1).ShouldBeFalse("createdb");
        reader.GetBoolean(2).ShouldBeFalse("createrole");
        reader.GetBoolean(3).ShouldBeFalse("bypassrls");
        reader.GetInt64(4).ShouldBe(0);
    }

    [Fact]
    public async Task A_service_role_cannot_enter_another_services_database()
    {
        var samples = new NpgsqlConnectionStringBuilder(await fixture.GetConnectionStringAsync("samplesdb")) { Database = "authdb" };
        await using var db = new NpgsqlConnection(samples.ConnectionString);

        var refused = await Should.ThrowAsync<PostgresException>(() => db.OpenAsync());
        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Theory]
    [InlineData("authdb", "auth_events", "auth_events_append_only")]
    [InlineData("samplesdb", "sample_events", "sample_events_append_only")]
    public async Task The_services_own_login_cannot_drop_the_trigger_or_rewrite_events_and_the_superuser_meets_the_trigger(
        string database, string table, string trigger)
    {
        await new SampleLab(fixture).CreateSampleAsync(); // events exist in both databases (a sign-in, a creation)
        await using var service = new NpgsqlConnection(await fixture.GetConnectionStringAsync(database));
        await service.OpenAsync();
        foreach (var statement in new[]
                 {
                     $"DROP TRIGGER {trigger} ON {table}", $"ALTER TABLE {table} DISABLE TRIGGER {trigger}",
                     $"UPDATE {table} SET trace_id = 'rewritten'", $"DELETE FROM {table}", $"TRUNCATE {table}",
                 })
        {
            await using var command = new NpgsqlCommand(statement, service);
            var error = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync(), statement);
            error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        }
        // Nor can it hand the rights back to itself (PostgreSQL only warns that nothing was granted).
        await using (var grant = new NpgsqlCommand($"GRANT UPDATE, DELETE, TRUNCATE ON {table} TO current_user", service))
        {
            await grant.ExecuteNonQueryAsync();
        }
        await using (var rights = new NpgsqlCommand(
            $"SELECT has_table_privilege('{table}', 'UPDATE') OR has_table_privilege('{table}', 'DELETE') OR has_table_privilege('{table}', 'TRUNCATE')",
            service))
        {
            ((bool)(await rights.ExecuteScalarAsync())!).ShouldBeFalse();
        }

        var superuser = new NpgsqlConnectionStringBuilder(await fixture.GetConnectionStringAsync("postgres")) { Database = database };
        await using var admin = new NpgsqlConnection(superuser.ConnectionString);
        await admin.OpenAsync();
        await using var update = new NpgsqlCommand($"UPDATE {table} SET trace_id = 'rewritten'", admin);
        (await Should.ThrowAsync<PostgresException>(() => update.ExecuteNonQueryAsync())).MessageText.ShouldContain("append-only");
    }

    [Fact]
    public async Task The_exporter_signs_in_as_the_monitoring_role()
    {
        fixture.App.ResourceNotifications.TryGetCurrentState("postgres-exporter", out var exporter).ShouldBeTrue();
        var source = new Uri(exporter!.Snapshot.EnvironmentVariables.Single(e => e.Name == "DATA_SOURCE_NAME").Value!);
        var credentials = source.UserInfo.Split(':', 2);
        credentials[0].ShouldBe("tracseq_monitor");

        var monitor = new NpgsqlConnectionStringBuilder(await fixture.GetConnectionStringAsync("postgres"))
        {
            Username = credentials[0],
            Password = Uri.UnescapeDataString(credentials[1]),
            Database = "postgres",
        };
        await using var db = new NpgsqlConnection(monitor.ConnectionString);
        await db.OpenAsync();
        await using var check = new NpgsqlCommand(
            "SELECT rolsuper, pg_has_role(current_user, 'pg_monitor', 'member') FROM pg_roles WHERE rolname = current_user", db);
        await using var reader = await check.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetBoolean(0).ShouldBeFalse();
        reader.GetBoolean(1).ShouldBeTrue();
    }
}
