using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;
using TracSeq.Tests.Sequencing;
using TracSeq.UnitTests.Labels;

namespace TracSeq.Tests.Labels;

/// <summary>
/// Labels through the gateway: who may print, unknown ids and bounds, a box in position order, a submission's samples,
/// libraries and pools read from Sequencing, and a PDF read back by the independent readers.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed partial class LabelTests(AppHostFixture fixture) : IDisposable
{
    private readonly SampleLab _lab = new(fixture);
    private readonly IndependentReaders _readers = new();

    public void Dispose() => _readers.Dispose();

    /// <summary>The barcodes of a ZPL stream's Data Matrix fields, label by label (hex-escaped as ^FH writes them).</summary>
    private static List<string> DataMatrixBarcodes(string zpl) =>
        [.. DataMatrixField().Matches(zpl).Select(m => HexEscape().Replace(m.Groups[1].Value, h => ((char)Convert.ToByte(h.Value[1..], 16)).ToString()))];

    [Fact]
    public async Task Printing_is_for_technicians_and_up_unknown_ids_are_named_and_more_than_1000_labels_is_a_400()
    {
        var sample = await _lab.CreateSampleAsync();
        using (var guest = await _lab.AsAsync("guest"))
        {
            using var templates = JsonDocument.Parse(await guest.GetStringAsync("/api/labels/templates"));
            templates.RootElement.EnumerateArray().Select(t => t.GetProperty("name").GetString())
                .ShouldBe(["cryo-tube", "tube-1.5ml", "plate", "a4-sheet"]);
            foreach (var role in new[] { "guest", "research_scientist" })
            {
                using var client = await _lab.AsAsync(role);
                using var refused = await client.PostAsJsonAsync("/api/labels", new { sampleIds = new[] { sample.Id }, format = "pdf" });
                refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, role);
                using var single = await client.GetAsync($"/api/samples/{sample.Id}/label");
                single.StatusCode.ShouldBe(HttpStatusCode.Forbidden, role);
            }
        }

        using var technician = await _lab.TechnicianAsync();
        Guid unknownSample = Guid.NewGuid(), unknownLibrary = Guid.NewGuid();
        using var missing = await technician.PostAsJsonAsync("/api/labels",
            new { sampleIds = new[] { sample.Id, unknownSample }, libraryIds = new[] { unknownLibrary }, format = "zpl" });
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound, await missing.Content.ReadAsStringAsync() + await WhySequencingFailedAsync());
        (await SampleLab.ProblemAsync(missing)).GetProperty("missing").EnumerateArray().Select(m => m.GetGuid())
            .ShouldBe([unknownSample, unknownLibrary], ignoreOrder: true);

        using var tooMany = await technician.PostAsJsonAsync("/api/labels", new { sampleIds = Enumerable.Range(0, 1001).Select(_ => Guid.NewGuid()) });
        tooMany.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(tooMany)).ShouldContain("sampleIds");
        using var tooManyCopies = await technician.PostAsJsonAsync("/api/labels", new { sampleIds = Enumerable.Repeat(sample.Id, 11), copies = 100 });
        tooManyCopies.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SampleLab.ErrorFieldsAsync(tooManyCopies)).ShouldContain("copies");
        using var sheetAsZpl = await technician.GetAsync($"/api/samples/{sample.Id}/label?format=zpl&template=a4-sheet");
        sheetAsZpl.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var noSuchSample = await technician.GetAsync($"/api/samples/{unknownSample}/label");
        noSuchSample.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_box_prints_in_position_order_and_its_PDF_reads_back_with_independent_readers()
    {
        var box = await _lab.CreateBoxAsync();
        var placed = new List<(string Position, SampleInfo Sample)>();
        foreach (var position in new[] { "B2", "A10", "A2" })
        {
            var sample = await _lab.ValidatedSampleAsync(new { name = $"Box sample {position}", sampleType = "dna", projectCode = "LBL-1" });
            (await _lab.PlaceAsync(sample.Id, box.Id, position)).StatusCode.ShouldBe(HttpStatusCode.OK);
            placed.Add((position, sample));
        }
        var inOrder = placed.OrderBy(p => p.Position[0]).ThenBy(p => int.Parse(p.Position[1..])).ToList(); // A2, A10, B2
        using var technician = await _lab.TechnicianAsync();

        var zpl = await technician.GetStringAsync($"/api/storage/locations/{box.Id}/labels?format=zpl&dpi=300");
        DataMatrixBarcodes(zpl).ShouldBe(inOrder.Select(p => p.Sample.Barcode));
        Regex.Count(zpl, @"\^XA").ShouldBe(3);
        zpl.ShouldContain("A10 _C2_B7 LBL-1"); // the position leads the details line ("A10 · LBL-1 · date", ^FH-escaped)

        using var response = await technician.GetAsync($"/api/storage/locations/{box.Id}/labels?format=pdf&template=cryo-tube");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var pdf = _readers.Save(await response.Content.ReadAsByteArrayAsync(), "pdf");
        var (pages, sizes) = _readers.PdfInfo(pdf);
        pages.ShouldBe(3);
        sizes[0].Width.ShouldBe(38 * 72 / 25.4, 0.05);
        var pngs = _readers.Rasterise(pdf, 600);
        for (var page = 0; page < 3; page++)
        {
            _readers.Code128(pngs[page]).ShouldBe([inOrder[page].Sample.Barcode]);
            _readers.DataMatrix(pngs[page]).ShouldBe([inOrder[page].Sample.Barcode]);
        }
    }

    [Fact]
    public async Task A_submission_prints_every_sample_it_created_and_a_sample_has_a_preview()
    {
        var submissionId = Guid.NewGuid();
        using (var created = await _lab.PostBatchAsync("research_scientist", submissionId, SampleLab.BatchBody(submissionId, 4, "SUB-LBL")))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }
        using var technician = await _lab.TechnicianAsync();
        var barcodes = (await technician.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?submissionId={submissionId}&pageSize=10", SampleLab.Json))!
            .Items.Select(s => s.Barcode).ToList();
        barcodes.Count.ShouldBe(4);

        var zpl = await technician.GetStringAsync($"/api/submissions/{submissionId}/labels?format=zpl");
        DataMatrixBarcodes(zpl).ShouldBe(barcodes, ignoreOrder: true);
        using var none = await technician.GetAsync($"/api/submissions/{Guid.NewGuid()}/labels");
        none.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var first = (await technician.GetFromJsonAsync<PageOf<SampleInfo>>($"/api/samples?submissionId={submissionId}&pageSize=1", SampleLab.Json))!.Items[0];
        using var preview = await technician.GetAsync($"/api/samples/{first.Id}/label?format=png");
        preview.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        var png = _readers.Save(await preview.Content.ReadAsByteArrayAsync(), "png");
        _readers.DataMatrix(png, shrink: 1).ShouldBe([first.Barcode]);
    }

    [Fact]
    public async Task Libraries_and_pools_are_read_from_Sequencing_and_printed()
    {
        var sequencing = new SequencingLab(fixture);
        var libraries = await sequencing.LibrariesAsync(("ACGTACGT", "TTGGCCAA"), ("GGTTAACC", "CAGTCAGT"));
        var pool = await sequencing.CreatePoolAsync(libraries.Select(l => l.Id));
        using var technician = await _lab.TechnicianAsync();

        using var response = await technician.PostAsJsonAsync("/api/labels",
            new { libraryIds = libraries.Select(l => l.Id), poolIds = new[] { pool.Id }, format = "zpl", template = "plate" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        DataMatrixBarcodes(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()))
            .ShouldBe([libraries[0].Barcode, libraries[1].Barcode, pool.Barcode]);
    }

    [GeneratedRegex(@"\^BX[^\^]*\^FH\^FD([^\^]*)\^FS")]
    private static partial Regex DataMatrixField();

    [GeneratedRegex("_[0-9A-F]{2}")]
    private static partial Regex HexEscape();

    /// <summary>When Samples' call to Sequencing fails, the two services' own words for it (their logs), for the message.</summary>
    private async Task<string> WhySequencingFailedAsync()
    {
        var samples = (await fixture.ReadLogsAsync("samples")).Where(l => l.Contains("Sequencing", StringComparison.Ordinal)).TakeLast(3);
        var sequencing = (await fixture.ReadLogsAsync("sequencing"))
            .Where(l => l.Contains("refused", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal))
            .TakeLast(3);
        return "\n" + string.Join("\n", samples.Concat(sequencing));
    }
}
