using System.Text.RegularExpressions;

namespace TracSeq.UnitTests.Deployment;

/// <summary>
/// A migration that seals append-only tables (hands them to the audit role through tracseq_seal_append_only) must run
/// after every migration that creates or changes them: DbUp applies a service's scripts in name order, a table that
/// does not exist yet cannot be sealed (Sequencing's seal as 0003 met run_result_versions before 0010 created it, so
/// Sequencing never started and neither did the AppHost), and a sealed table no longer belongs to the service's login,
/// so a later ALTER, index or trigger on it would fail the same way.
/// </summary>
public sealed partial class SealMigrationOrderTests
{
    public static TheoryData<string> Services() => ["Auth", "Samples", "Sequencing"];

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_sealed_table_is_created_before_its_seal_and_left_alone_after_it(string service)
    {
        var folder = Path.Combine(RenderedManifests.RepositoryRoot, $"TracSeq.{service}", "Data", "Migrations");
        // DbUp's order: by script name, ordinal.
        var scripts = Directory.GetFiles(folder, "*.sql").OrderBy(Path.GetFileName, StringComparer.Ordinal)
            .Select(path => (Name: Path.GetFileName(path), Sql: File.ReadAllText(path))).ToList();
        var seals = scripts.Select((s, at) => (s.Name, at, Tables: SealedTables.In(s.Sql))).Where(s => s.Tables.Count > 0).ToList();
        seals.ShouldNotBeEmpty($"{service} seals its event tables");

        foreach (var (seal, at, tables) in seals)
        {
            foreach (var table in tables)
            {
                // Created by an earlier script, or earlier in the sealing script itself (a new table sealed where it is made).
                var before = scripts.Take(at).Select(s => s.Sql)
                    .Append(scripts[at].Sql[..scripts[at].Sql.IndexOf("PERFORM public.tracseq_seal_append_only", StringComparison.Ordinal)]);
                before.ShouldContain(sql => CreatesTable(table).IsMatch(sql), $"{seal} seals {table}, which no earlier migration creates");
                foreach (var later in scripts.Skip(at + 1))
                {
                    ChangesTable(table).IsMatch(later.Sql).ShouldBeFalse($"{later.Name} changes {table}, which {seal} sealed before it");
                }
            }
        }
    }

    private static Regex CreatesTable(string table) => new($@"CREATE TABLE (IF NOT EXISTS )?{table}\b", RegexOptions.IgnoreCase);

    private static Regex ChangesTable(string table) =>
        new($@"(ALTER TABLE (ONLY )?{table}\b|\bON {table}\b|DROP TABLE (IF EXISTS )?{table}\b|REFERENCES {table}\b)", RegexOptions.IgnoreCase);

}
