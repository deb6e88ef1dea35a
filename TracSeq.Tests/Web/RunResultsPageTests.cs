using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Sequencing;

namespace TracSeq.Tests.Web;

/// <summary>
/// The run page's Results section end to end: a report set written the way BCL Convert 4.x writes it, made from the
/// run TracSeq planned with one mistake hidden (library 4's tube was read with its i5 the other way round), dropped
/// on the page; the lane table, the chart, the finding in plain words, the corrected sheet and the library page.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class RunResultsPageTests(AppHostFixture app, BrowserFixture browser)
{
    private readonly WebUi _ui = new(app, browser);
    private readonly SequencingLab _lab = new(app);
    private readonly AuthApiClient _auth = new(app);

    [Fact]
    public async Task Imported_reports_show_the_lanes_a_chart_the_i5_finding_and_a_corrected_sheet()
    {
        var libraries = await _lab.LibrariesAsync(Enumerable.Range(0, 4).Select(i => (SequencingLab.I7[i], (string?)SequencingLab.I5[i])).ToArray());
        var pool = await _lab.CreatePoolAsync(libraries.Select(l => l.Id));
        var run = await _lab.CreateRunAsync(SequencingLab.RunBody("MiSeq", [(1, pool.Id)]));
        using (var moved = await _lab.MoveRunAsync(run.Id, "sequencing"))
        {
            moved.IsSuccessStatusCode.ShouldBeTrue(await moved.Content.ReadAsStringAsync());
        }
        var reports = Reports.Write(run.FlowcellId, libraries.Select(l => l.Barcode).ToList());
        var user = await _auth.CreateUserAsync("lab_technician");
        var page = await _ui.SignInAsync(user.Email, user.Password);
        await WebUi.GoToAsync(page, $"/sequencing/runs/{run.Id}");
        await page.GetByTestId("results-none").WaitForAsync();

        await page.Locator("#results-files")
            .SetInputFilesAsync(reports.Select(f => new FilePayload { Name = f.Name, MimeType = "text/plain", Buffer = f.Bytes }));
        await _ui.WaitUntilEnabledAsync(page.GetByRole(AriaRole.Button, new() { Name = "Import results" }));
        await page.GetByRole(AriaRole.Button, new() { Name = "Import results" }).ClickAsync();
        await page.GetByText("Imported: version 1.").WaitForAsync();

        var lanes = await page.GetByTestId("results-lanes").InnerTextAsync();
        lanes.ShouldContain("9.8 M");                  // total reads of lane 1
        lanes.ShouldContain("2.6 M (26.5 %)");         // undetermined, over the 9 % limit
        var bars = page.GetByTestId("reads-chart-lane-1").GetByTestId("reads-bar");
        (await bars.CountAsync()).ShouldBe(4);
        (await bars.Nth(3).GetAttributeAsync("data-verdict")).ShouldBe("failed");
        (await page.GetByTestId("reads-chart-lane-1").Locator("svg").GetAttributeAsync("aria-label"))
            .ShouldBe("Lane 1: reads per library as a share of the lane against the expected share; 4 libraries, 1 below 90 % of their expected share.");
        var findings = await page.GetByTestId("results-findings").InnerTextAsync();
        findings.ShouldContain(
            $"{libraries[3].Barcode}: i5 was read in reverse complement — " +
            $"2.3 M reads under {SequencingLab.I7[3]}+{Reports.ReverseComplement(SequencingLab.I5[3])}; " +
            "change the sample sheet's i5 orientation or the library's index");
        findings.ShouldContain("26.48 % of reads undetermined, above 9 %");
        await WebUi.ShouldPassAxeAsync(page, "/sequencing/runs/{id} (results)");
        await page.GetByTestId("run-results").ScreenshotAsync(
            new LocatorScreenshotOptions { Path = Path.Combine(RepositoryPaths.Root, "docs", "screenshots", "run-results.png") });

        var corrected = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download corrected sheet v2" }).ClickAsync());
        var sheet = await File.ReadAllTextAsync((await corrected.PathAsync())!);
        var correctedRow = $",{libraries[3].Barcode},{SequencingLab.I7[3]},{Reports.ReverseComplement(SequencingLab.I5[3])}";
        sheet.Split("\r\n").ShouldContain(line => line.Contains(correctedRow, StringComparison.Ordinal));

        await WebUi.GoToAsync(page, $"/sequencing/libraries/{libraries[0].Id}");
        (await page.GetByTestId("library-sequenced-reads").InnerTextAsync()).ShouldBe("2.4 M (2,400,000)");
        (await page.GetByTestId("library-verdict").InnerTextAsync()).ShouldBe("passed");
        (await page.GetByTestId("library-reads").GetByRole(AriaRole.Link).InnerTextAsync()).ShouldBe($"Run {run.Id.ToString()[..8]}");
    }

    /// <summary>BCL Convert 4.x reports (and RunInfo.xml) for a one-lane MiSeq run of the four libraries, in their order.</summary>
    private static class Reports
    {
        public static readonly long[] Reads = [2_400_000, 2_500_000, 2_300_000, 20_000];
        public const long Undetermined = 2_600_000;
        public const long HiddenMistake = 2_300_000;

        public static IReadOnlyList<(string Name, byte[] Bytes)> Write(string flowcell, IReadOnlyList<string> barcodes)
        {
            var runInfo = $"""
                <?xml version="1.0" encoding="utf-8"?>
                <RunInfo Version="2">
                  <Run Id="261207_M04034_0101_000000000-{flowcell}" Number="101">
                    <Flowcell>{flowcell}</Flowcell>
                    <Instrument>M04034</Instrument>
                    <Date>261207</Date>
                    <Reads>
                      <Read Number="1" NumCycles="151" IsIndexedRead="N" />
                      <Read Number="2" NumCycles="8" IsIndexedRead="Y" />
                      <Read Number="3" NumCycles="8" IsIndexedRead="Y" />
                      <Read Number="4" NumCycles="151" IsIndexedRead="N" />
                    </Reads>
                    <FlowcellLayout LaneCount="1" SurfaceCount="2" SwathCount="1" TileCount="19" />
                  </Run>
                </RunInfo>
                """;
            var total = Reads.Sum() + Undetermined;
            var stats = new StringBuilder(
                "Lane,SampleID,Sample_Project,Index,# Reads,# Perfect Index Reads,# One Mismatch Index Reads,# Two Mismatch Index Reads," +
                "% Reads,% Perfect Index Reads,% One Mismatch Index Reads,% Two Mismatch Index Reads\r\n");
            for (var i = 0; i < barcodes.Count; i++)
            {
                var perfect = Reads[i] * 97 / 100;
                stats.Append(CultureInfo.InvariantCulture,
                    $"1,{barcodes[i]},SEQ-1,{SequencingLab.I7[i]}-{SequencingLab.I5[i]},{Reads[i]},{perfect},{Reads[i] - perfect},0," +
                    $"{(double)Reads[i] / total:0.0000},0.9700,0.0300,0.0000\r\n");
            }
            stats.Append(CultureInfo.InvariantCulture,
                $"1,Undetermined,Undetermined,,{Undetermined},{Undetermined},0,0,{(double)Undetermined / total:0.0000},1.0000,0.0000,0.0000\r\n");
            // The mistake: library 4's i5 was read the other way round; the rest of the unknowns are noise.
            var unknown = new StringBuilder("Lane,index,index2,# Reads,% of Unknown Barcodes,% of All Reads\r\n");
            foreach (var (i7, i5, reads) in new[]
            {
                (SequencingLab.I7[3], ReverseComplement(SequencingLab.I5[3]), HiddenMistake),
                ("GGGGGGGG", "AGATCTCG", 41_000L),
                ("CATCATCA", "GTGTGTGT", 12_000L),
            })
            {
                unknown.Append(CultureInfo.InvariantCulture,
                    $"1,{i7},{i5},{reads},{(double)reads / Undetermined:0.000000},{(double)reads / total:0.000000}\r\n");
            }
            return
            [
                ("RunInfo.xml", Encoding.UTF8.GetBytes(runInfo)),
                ("Demultiplex_Stats.csv", Encoding.UTF8.GetBytes(stats.ToString())),
                ("Top_Unknown_Barcodes.csv", Encoding.UTF8.GetBytes(unknown.ToString())),
            ];
        }

        public static string ReverseComplement(string bases) =>
            new([.. bases.Reverse().Select(b => b switch { 'A' => 'T', 'C' => 'G', 'G' => 'C', 'T' => 'A', _ => 'N' })]);
    }
}
