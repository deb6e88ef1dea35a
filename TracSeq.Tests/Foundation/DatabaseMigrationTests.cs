using Npgsql;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Foundation;

[Collection(AppHostCollection.Name)]
public sealed class DatabaseMigrationTests(AppHostFixture fixture)
{
    [Theory]
    [InlineData("authdb", "TracSeq.Auth", "citext")]
    [InlineData("samplesdb", "TracSeq.Samples", "pg_trgm")]
    [InlineData("templatesdb", "TracSeq.Templates", "citext")]
    [InlineData("sequencingdb", "TracSeq.Sequencing", "citext")]
    public async Task Each_service_database_exists_with_its_migrations_applied(string database, string service, string extension)
    {
        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync(database));
        await connection.OpenAsync();

        var applied = new List<string>();
        await using (var journal = new NpgsqlCommand("SELECT scriptname FROM schemaversions ORDER BY schemaversionsid", connection))
        await using (var reader = await journal.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                applied.Add(reader.GetString(0));
            }
        }
        var migrations = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, service, "Data", "Migrations"), "*.sql")
            .Select(f => $"{service}.Data.Migrations.{Path.GetFileName(f)}")
            .Order(StringComparer.Ordinal)
            .ToList();
        migrations.ShouldNotBeEmpty();
        applied.ShouldBe(migrations);

        await using var installed = new NpgsqlCommand("SELECT count(*) FROM pg_extension WHERE extname = $1", connection)
        {
            Parameters = { new() { Value = extension } },
        };
        ((long)(await installed.ExecuteScalarAsync())!).ShouldBe(1);
        connection.Database.ShouldBe(database);
    }
}
