using System.Globalization;

namespace TracSeq.Samples.Webhooks;

/// <summary>
/// When a failed delivery is tried again: after the first failure <c>Delays[0]</c>, after the second <c>Delays[1]</c>…;
/// once every delay is used the delivery is failed. <c>TracSeq:Webhooks:RetrySchedule</c> (comma-separated
/// time spans) replaces the default ~5 s, 30 s, 2 min, 10 min, 1 h, 6 h, 24 h (tests use seconds).
/// </summary>
public sealed record WebhookRetrySchedule(IReadOnlyList<TimeSpan> Delays)
{
    public const string Key = "TracSeq:Webhooks:RetrySchedule";

    public static readonly WebhookRetrySchedule Default = new([
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
        TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromHours(24)]);

    /// <summary>Attempts in all: the first and one per delay.</summary>
    public int MaxAttempts => Delays.Count + 1;

    /// <summary>How long to wait after <paramref name="failedAttempts"/> failures; null when the delivery has failed for good.</summary>
    public TimeSpan? After(int failedAttempts) =>
        failedAttempts >= 1 && failedAttempts <= Delays.Count ? Delays[failedAttempts - 1] : null;

    public static WebhookRetrySchedule Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Default;
        }
        var delays = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(part => TimeSpan.TryParse(part, CultureInfo.InvariantCulture, out var delay) && delay > TimeSpan.Zero
                ? delay
                : throw new FormatException($"{Key}: '{part}' is not a positive time span such as 00:00:05."))
            .ToList();
        return delays.Count is >= 1 and <= 20 ? new WebhookRetrySchedule(delays) : throw new FormatException($"{Key} must list 1 to 20 delays.");
    }
}
