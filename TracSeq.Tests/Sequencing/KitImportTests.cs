using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Samples;

namespace TracSeq.Tests.Sequencing;

/// <summary>
/// Index kits imported through the gateway from Illumina kit definition files in the real format (the files the kit
/// parser's unit tests use), and written as JSON; every refusal names the line or field and writes nothing.
/// Each file's kit name can be imported once per stack, so each file is imported by one test.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class KitImportTests(AppHostFixture fixture)
{
    private readonly SequencingLab _lab = new(fixture);

    private async Task<HttpResponseMessage> UploadAsync(byte[] bytes, string role = "principal_investigator", string resource = "gateway",
        string field = "file")
    {
        using var client = await _lab.AsAsync(role, resource);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/tab-separated-values");
        form.Add(file, field, "kit.tsv");
        return await client.PostAsync("/api/index-kits", form);
    }

    [Fact]
    public async Task An_oversize_kit_file_is_413_at_the_gateway_and_at_the_service_and_nothing_is_imported()
    {
        var huge = Encoding.UTF8.GetBytes("[IndexKit]\nName\tHuge\n" + new string('#', 1024 * 1024 + 10));
        var before = await _lab.CountsAsync();

        using var gateway = await UploadAsync(huge);
        using var direct = await UploadAsync(huge, resource: "sequencing");

        gateway.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        direct.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await _lab.CountsAsync()).ShouldBe(before);
    }
}
