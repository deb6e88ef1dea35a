using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.UnitTests.Problems;

/// <summary>L3: a 400 for an unreadable body names the field, never CLR types, parameter names or JSON paths.</summary>
public sealed class BadRequestBodiesTests
{
    private sealed record Body(Guid SampleId, List<Item> Items);

    private sealed record Item(int Volume);

    private static BadHttpRequestException Refused(string json)
    {
        var serializer = Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Body>(json, JsonSerializerOptions.Web));
        // What the minimal-API binder throws: its message names the parameter's CLR type.
        return new BadHttpRequestException(
            "Failed to read parameter \"Body body\" from the request body as JSON.", StatusCodes.Status400BadRequest, serializer);
    }

    [Theory]
    [InlineData("""{"sampleId": "not-a-guid", "items": []}""", "sampleId")]
    [InlineData("""{"sampleId": "0190a5f2-0000-7000-8000-000000000000", "items": [{"volume": 1}, {"volume": "x"}]}""", "items[1].volume")]
    public void A_wrong_typed_field_is_named_and_the_detail_carries_no_internals(string json, string field)
    {
        var refused = Refused(json);
        refused.InnerException!.Message.ShouldContain("Path: $."); // what must not reach the client

        var (detail, named) = BadRequestBodies.Describe(refused);

        named.ShouldBe(field);
        detail.ShouldBe(BadRequestBodies.Detail);
        foreach (var internals in new[] { "System.", "Path:", "$.", "Body body", "Failed to read parameter" })
        {
            detail.ShouldNotContain(internals);
        }
    }

    [Fact]
    public void Broken_JSON_without_a_field_gets_the_detail_and_no_field()
    {
        var (detail, field) = BadRequestBodies.Describe(Refused("{"));

        detail.ShouldBe(BadRequestBodies.Detail);
        field.ShouldBeNull();
    }

    [Fact]
    public void A_bad_request_that_is_not_JSON_answers_the_generic_detail_not_the_message()
    {
        var (detail, field) = BadRequestBodies.Describe(new BadHttpRequestException("Required parameter \"Guid id\" was not provided from route."));

        detail.ShouldBe(BadRequestBodies.GenericDetail);
        field.ShouldBeNull();
    }

    [Theory]
    [InlineData("$.x", "x")]
    [InlineData("$['we ird']", null)]
    [InlineData("$", null)]
    [InlineData(null, null)]
    [InlineData("$.a.b[2].c", "a.b[2].c")]
    public void Only_plain_paths_are_echoed_as_field_names(string? path, string? field) =>
        BadRequestBodies.FieldOf(path).ShouldBe(field);
}
