using System.Text;
using TracSeq.AppHost.Hosting.Alertmanager;

namespace TracSeq.AppHost.Hosting.Prometheus;

/// <summary>
/// Test-only override <c>TracSeq:Alerting:OutageFor</c> (a duration such as <c>10s</c>): the alerts that say a part
/// of the system is down (<see cref="Names"/>) wait that long instead of the shipped minute, so a fault suite can hold
/// each outage for seconds and still see its alert fire. The rules are then rendered into the data folder; unset,
/// Prometheus reads the shipped files as written (the alerting end-to-end test checks the shipped minute).
/// </summary>
public static class OutageAlertRules
{
    public const string Setting = "TracSeq:Alerting:OutageFor";

    /// <summary>The alerts for a stopped dependency or service.</summary>
    public static readonly IReadOnlyList<string> Names = ["RedisDown", "PostgresDown", "TracSeqServiceDown"];

    /// <summary>
    /// The directory Prometheus should read rules from: <paramref name="shipped"/>, or with the override set, a copy
    /// in <paramref name="configDirectory"/> with the outage alerts' <c>for</c> replaced.
    /// </summary>
    public static string Prepare(Microsoft.Extensions.Configuration.IConfiguration config, string shipped, string configDirectory)
    {
        if (AlertmanagerTimings.Duration(config, Setting) is not { } outageFor)
        {
            return shipped;
        }
        var rendered = Path.Combine(configDirectory, "rules");
        Directory.CreateDirectory(rendered);
        foreach (var file in Directory.EnumerateFiles(shipped, "*.yml"))
        {
            File.WriteAllText(Path.Combine(rendered, Path.GetFileName(file)), Render(File.ReadAllText(file), outageFor));
        }
        return rendered;
    }

    /// <summary>The rule file with the first <c>for:</c> after each outage alert's name set to <paramref name="outageFor"/>.</summary>
    public static string Render(string rules, string outageFor)
    {
        var output = new StringBuilder(rules.Length);
        var inOutageAlert = false;
        foreach (var line in rules.Split('\n'))
        {
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("- alert:", StringComparison.Ordinal))
            {
                inOutageAlert = Names.Contains(trimmed["- alert:".Length..].Trim());
            }
            else if (inOutageAlert && trimmed.StartsWith("for:", StringComparison.Ordinal))
            {
                output.Append(line[..(line.Length - trimmed.Length)]).Append("for: ").Append(outageFor).Append('\n');
                inOutageAlert = false;
                continue;
            }
            output.Append(line).Append('\n');
        }
        return output.ToString(0, output.Length - 1); // Split gave one more piece than there were newlines
    }
}
