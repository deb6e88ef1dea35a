using Prometheus;

namespace TracSeq.Auth.Sessions;

public static class AuthMetrics
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Locked = "locked";

    public static readonly Counter Logins = Metrics.CreateCounter(
        "tracseq_auth_logins_total", "Sign-in attempts by outcome (success, failure, locked).",
        new CounterConfiguration { LabelNames = ["outcome"] });

    /// <summary>Publishes every outcome at zero from the start: rate() and ratio alerts need the series before the first failure.</summary>
    public static void PublishInitialSeries()
    {
        foreach (var outcome in new[] { Success, Failure, Locked })
        {
            Logins.WithLabels(outcome);
        }
    }
}
