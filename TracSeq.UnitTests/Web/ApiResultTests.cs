extern alias web;
using System.Net;
using web::TracSeq.Web.Api;

namespace TracSeq.UnitTests.Web;

/// <summary>How a refusal reads on the pages.</summary>
public sealed class ApiResultTests
{
    private static ApiResult<object> Refused(int status, string body) =>
        new() { Status = (HttpStatusCode)status, Problem = Problem.FromJson(status, body) };

    [Fact]
    public void A_403_naming_a_project_gives_the_reason_and_the_code_and_any_other_403_speaks_of_the_role()
    {
        Refused(403, """{"title": "Your membership of this project is viewer: you may read, not change.", "status": 403, "projectCode": "ONC-7"}""")
            .Message.ShouldBe("Your membership of this project is viewer: you may read, not change. (ONC-7)");
        Refused(403, """{"title": "Forbidden", "status": 403}""").Message.ShouldBe("This is not allowed for your role.");
        Refused(403, "").Message.ShouldBe("This is not allowed for your role.");
    }
}
