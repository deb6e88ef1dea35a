using System.Net;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Templates;

/// <summary>Templates behind the gateway; the lifecycle and its role matrix are the per-service tier's (TracSeq.ServiceTests/Templates).</summary>
[Collection(AppHostCollection.Name)]
public sealed class TemplateLifecycleTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Without_a_token_nothing_is_answered()
    {
        using var anonymous = fixture.CreateClient("gateway");
        using var list = await anonymous.GetAsync("/api/templates");
        using var submissions = await anonymous.GetAsync("/api/submissions");
        list.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        submissions.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
