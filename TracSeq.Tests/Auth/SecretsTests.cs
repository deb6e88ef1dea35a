using System.Net.Http.Json;
using Npgsql;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Auth;

[Collection(AppHostCollection.Name)]
public sealed class SecretsTests(AppHostFixture fixture)
{
    private readonly AuthApiClient _auth = new(fixture);

    [Fact]
    public async Task No_password_or_hash_appears_in_any_response_or_log_line()
    {
        var admin = await _auth.LoginAsAdminAsync();
        var user = await _auth.CreateUserAsync("lab_technician", admin.AccessToken);
        await _auth.PostLoginAsync(user.Email, "a-wrong-password-attempt");
        var session = await _auth.LoginAsync(user.Email, user.Password);
        using var adminClient = _auth.Client("gateway", admin.AccessToken);
        using var userClient = _auth.Client("gateway", session.AccessToken);
        var responses = new[]
        {
            await adminClient.GetStringAsync("/api/users?pageSize=500"),
            await adminClient.GetStringAsync($"/api/users/{user.Id}"),
            await adminClient.GetStringAsync($"/api/users/{user.Id}/events"),
            await userClient.GetStringAsync("/api/auth/me"),
            System.Text.Json.JsonSerializer.Serialize(session),
        };
        var hash = await PasswordHashAsync(user.Id);
        var secrets = new[] { user.Password, "a-wrong-password-attempt", fixture.AdminPassword, hash, hash[..16] };

        foreach (var response in responses)
        {
            response.ShouldNotContain("passwordHash", Case.Insensitive);
            foreach (var secret in secrets)
            {
                response.ShouldNotContain(secret);
            }
        }
        foreach (var resource in new[] { "auth", "gateway" })
        {
            var lines = await fixture.ReadLogsAsync(resource);
            lines.ShouldNotBeEmpty();
            foreach (var secret in secrets)
            {
                lines.Where(l => l.Contains(secret, StringComparison.Ordinal)).ShouldBeEmpty($"{resource} logged a secret");
            }
        }
    }

    private async Task<string> PasswordHashAsync(Guid userId)
    {
        await using var db = new NpgsqlConnection(await fixture.GetConnectionStringAsync("authdb"));
        await db.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT password_hash FROM users WHERE id = $1", db) { Parameters = { new() { Value = userId } } };
        return (string)(await query.ExecuteScalarAsync())!;
    }
}
