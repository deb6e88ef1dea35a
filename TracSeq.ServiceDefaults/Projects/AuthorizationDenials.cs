using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace TracSeq.ServiceDefaults.Projects;

/// <summary>
/// Counts refusals by the project rules: <c>not_member</c> (answered 404, as if the resource did not exist) and
/// <c>viewer</c> (403, a viewer tried to change something). A burst of not_member refusals by one account is someone
/// probing ids or barcodes: <c>tracseq_authorization_not_member_burst{service}</c> is the most refusals any single
/// account had in the current or the previous minute (one series per service, whatever the number of accounts), and
/// the account is logged when it crosses <see cref="BurstLogThreshold"/>.
/// </summary>
public sealed class AuthorizationDenials
{
    public const string NotMember = "not_member";
    public const string Viewer = "viewer";
    public const int BurstLogThreshold = 20;

    private static readonly Counter Denials = Prometheus.Metrics.CreateCounter(
        "tracseq_authorization_denials_total",
        "Requests refused by the project rules, by reason: not_member (answered 404) or viewer (answered 403).",
        new CounterConfiguration { LabelNames = ["service", "reason"] });

    private static readonly Gauge Burst = Prometheus.Metrics.CreateGauge(
        "tracseq_authorization_not_member_burst",
        "The most not_member refusals of any single account in the current or previous minute.",
        new GaugeConfiguration { LabelNames = ["service"] });

    private readonly string _service;
    private readonly ILogger<AuthorizationDenials> _logger;
    private readonly object _roll = new();
    private ConcurrentDictionary<Guid, int> _current = new();
    private int _previousMax;
    private long _windowStart = Environment.TickCount64;

    public AuthorizationDenials(string service, ILogger<AuthorizationDenials> logger)
    {
        _service = service;
        _logger = logger;
        // Published at zero, so a rate over them is defined before the first refusal.
        Denials.WithLabels(service, NotMember);
        Denials.WithLabels(service, Viewer);
        Burst.WithLabels(service).Set(0);
    }

    public void NotMemberOf(Guid userId)
    {
        Denials.WithLabels(_service, NotMember).Inc();
        var window = CurrentWindow();
        var count = window.AddOrUpdate(userId, 1, (_, n) => n + 1);
        if (count == BurstLogThreshold)
        {
            _logger.LogWarning("Account {UserId} was refused {Count} times within a minute for resources outside its projects", userId, count);
        }
        Burst.WithLabels(_service).Set(Math.Max(_previousMax, window.Values.DefaultIfEmpty(0).Max()));
    }

    public void ViewerWrite() => Denials.WithLabels(_service, Viewer).Inc();

    private ConcurrentDictionary<Guid, int> CurrentWindow()
    {
        if (Environment.TickCount64 - Interlocked.Read(ref _windowStart) < 60_000)
        {
            return _current;
        }
        lock (_roll)
        {
            if (Environment.TickCount64 - _windowStart >= 60_000)
            {
                _previousMax = _current.Values.DefaultIfEmpty(0).Max();
                _current = new ConcurrentDictionary<Guid, int>();
                _windowStart = Environment.TickCount64;
            }
            return _current;
        }
    }
}
