using Microsoft.AspNetCore.Http;
using TracSeq.Samples;

namespace TracSeq.UnitTests.Samples;

public class SampleETagTests
{
    [Fact]
    public void The_entity_tag_is_the_quoted_version() => SampleETag.For(7).ShouldBe("\"7\"");

    [Theory]
    [InlineData(null, IfMatchOutcome.Absent)]
    [InlineData("\"3\"", IfMatchOutcome.Matches)]
    [InlineData("*", IfMatchOutcome.Matches)]
    [InlineData("\"1\", \"3\"", IfMatchOutcome.Matches)]
    [InlineData("\"2\"", IfMatchOutcome.DoesNotMatch)]
    [InlineData("W/\"3\"", IfMatchOutcome.DoesNotMatch)] // If-Match compares strongly: a weak tag never matches
    [InlineData("3", IfMatchOutcome.Malformed)]          // unquoted
    [InlineData("\"3", IfMatchOutcome.Malformed)]
    public void If_match_is_checked_against_the_current_version(string? ifMatch, IfMatchOutcome expected)
    {
        var http = new DefaultHttpContext();
        if (ifMatch is not null)
        {
            http.Request.Headers.IfMatch = ifMatch;
        }

        SampleETag.Check(http.Request, 3).ShouldBe(expected);
    }
}
