using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace TracSeq.Tests.Infrastructure;

/// <summary>
/// The service identity Templates sends to Samples' <c>/internal/…</c> routes (<c>X-TracSeq-Service:
/// {caller}.{unix seconds}.{hex HMAC-SHA256 of "caller.seconds"}</c> with the AppHost's secret parameter
/// <c>service-secret</c>), for tests that call those routes directly, as a service would.
/// </summary>
public static class ServiceIdentityHeader
{
    public const string Name = "X-TracSeq-Service";

    public static async Task<string> CreateAsync(AppHostFixture fixture, string caller = "templates", DateTimeOffset? at = null)
    {
        var secret = await SecretAsync(fixture);
        var payload = string.Create(CultureInfo.InvariantCulture, $"{caller}.{(at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds()}");
        return $"{payload}.{Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)))}";
    }

    public static async Task<string> SecretAsync(AppHostFixture fixture)
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(p => p.Name == "service-secret");
        return (await ((IValueProvider)parameter).GetValueAsync())!;
    }
}
