using Microsoft.AspNetCore.Http.HttpResults;

namespace TracSeq.Samples.Samples;

/// <summary>The answer every sample endpoint gives: the sample, with its version as the ETag.</summary>
public static class SampleAnswers
{
    public static Ok<SampleDto> Ok(HttpContext http, SampleDto sample)
    {
        http.Response.Headers.ETag = SampleETag.For(sample.Version);
        return TypedResults.Ok(sample);
    }
}
