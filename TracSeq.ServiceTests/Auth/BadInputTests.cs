using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TracSeq.ServiceTests.Auth;

[Collection(AuthServiceCollection.Name)]
public sealed class BadInputTests(AuthService fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    public static TheoryData<string, string> BadLoginBodies => new()
    {
        { "empty body", "" },
        { "malformed JSON", "{\"email\": \"a@b.org\", " },
        { "wrong types", "{\"email\": 5, \"password\": [1, 2]}" },
        { "missing fields", "{}" },
        { "only a password", "{\"password\": \"x\"}" },
        { "JSON that is not an object", "[\"a@b.org\", \"x\"]" },
    };

    [Theory]
    [MemberData(nameof(BadLoginBodies))]
    public async Task A_bad_sign_in_body_is_a_400_problem(string _, string body)
    {
        using var response = await _auth.PostRawAsync("/api/auth/login", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task A_missing_email_is_named_in_the_errors()
    {
        using var response = await _auth.PostRawAsync("/api/auth/login", "{\"password\": \"x\"}");

        (await AuthApiClient.ErrorFieldsAsync(response)).ShouldContain("email");
    }

    [Fact]
    public async Task A_ten_megabyte_body_is_refused_by_Auth_itself_and_a_long_string_is_a_400_problem()
    {
        var huge = new string('a', 10 * 1024 * 1024);
        using var response = await _auth.PostRawAsync("/api/auth/login", JsonSerializer.Serialize(new { email = huge, password = "x" }));
        using var tooLong = await _auth.PostRawAsync("/api/auth/login", JsonSerializer.Serialize(new { email = new string('a', 100_000), password = "x" }));

        // Every service has its own body limit (1 MiB), not only the gateway.
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await AuthApiClient.ErrorFieldsAsync(tooLong)).ShouldContain("email");
    }

    [Fact]
    public async Task Creating_an_account_checks_every_field()
    {
        var admin = await _auth.LoginAsAdminAsync();
        using var client = _auth.Client(admin.AccessToken);

        using var response = await client.PostAsJsonAsync("/api/users",
            new { email = "not-an-email", displayName = "", role = "superuser", password = "short" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await AuthApiClient.ErrorFieldsAsync(response)).ShouldBe(["email", "displayName", "role", "password"], ignoreOrder: true);
    }

    [Fact]
    public async Task An_empty_update_and_bad_paging_are_400s()
    {
        var admin = await _auth.LoginAsAdminAsync();
        using var client = _auth.Client(admin.AccessToken);

        (await client.PatchAsJsonAsync($"/api/users/{admin.User.Id}", new { })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.PatchAsJsonAsync($"/api/users/{admin.User.Id}", new { status = "sleeping" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync("/api/users?pageSize=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync("/api/users?pageSize=501")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync("/api/users?role=king")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
