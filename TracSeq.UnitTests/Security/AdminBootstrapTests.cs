using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using TracSeq.Auth.Bootstrap;
using TracSeq.Auth.Events;

namespace TracSeq.UnitTests.Security;

public class AdminBootstrapTests
{
    [Theory]
    [InlineData("short")]
    [InlineData("elevenchars")]
    public async Task A_bootstrap_password_that_breaks_the_rules_stops_the_start_with_one_message(string password)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Bootstrap:Email"] = "admin@tracseq.local",
            ["Auth:Bootstrap:Password"] = password,
        }).Build();
        // No database: the password is judged before anything is read or written.
        var bootstrap = new AdminBootstrap(null!, configuration, new AuthEventLog(new Microsoft.AspNetCore.Http.HttpContextAccessor()),
            NullLogger<AdminBootstrap>.Instance);

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => bootstrap.StartAsync(CancellationToken.None));
        refused.Message.ShouldContain("admin-password");
        refused.Message.ShouldContain("12 to 128 characters");
    }

    [Fact]
    public void A_long_enough_password_passes() => AdminBootstrap.PasswordProblem("a-long-enough-password").ShouldBeNull();
}
