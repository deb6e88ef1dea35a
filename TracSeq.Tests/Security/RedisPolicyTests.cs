using System.Net.Sockets;
using System.Text;
using TracSeq.Tests.Infrastructure;

namespace TracSeq.Tests.Security;

/// <summary>
/// The Redis that holds the token deny list must never evict: asked of the running server (local mode writes its
/// configuration file at start), not of the model, which only shows container mode's command line.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class RedisPolicyTests(AppHostFixture fixture)
{
    [Fact]
    public async Task The_running_Redis_never_evicts_so_revocations_cannot_be_dropped()
    {
        var connectionString = (await fixture.GetConnectionStringAsync("cache"))!;
        var (endpoint, password) = connectionString.IndexOf(",password=", StringComparison.Ordinal) is var at and >= 0
            ? (connectionString[..at], connectionString[(at + ",password=".Length)..])
            : (connectionString, null);
        var colon = endpoint.LastIndexOf(':');

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        await using var stream = tcp.GetStream();
        if (password is not null)
        {
            (await CommandAsync(stream, "AUTH", password)).ShouldBe("+OK");
        }

        (await CommandAsync(stream, "CONFIG", "GET", "maxmemory-policy")).ShouldEndWith("noeviction");
        (await CommandAsync(stream, "CONFIG", "GET", "maxmemory")).ShouldNotEndWith("\n0"); // bounded, so the policy applies
    }

    /// <summary>Sends one RESP command and returns its reply's lines (joined by '\n', bulk lengths left out).</summary>
    internal static async Task<string> CommandAsync(NetworkStream stream, params string[] parts)
    {
        var request = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        while (!Complete(reply.ToString()))
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                break;
            }
            reply.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return string.Join('\n', reply.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line[0] is not '$' and not '*'));
    }

    /// <summary>A simple reply (+OK, -ERR) is one line; CONFIG GET's is an array of two bulk strings (five lines).</summary>
    private static bool Complete(string reply) =>
        reply.Length > 0 && (reply[0] is '+' or '-' or ':' ? reply.EndsWith("\r\n", StringComparison.Ordinal)
            : reply[0] == '*' && reply.Split("\r\n").Length > 5 && reply.EndsWith("\r\n", StringComparison.Ordinal));
}
