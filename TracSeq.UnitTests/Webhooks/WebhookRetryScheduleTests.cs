using TracSeq.Samples.Webhooks;

namespace TracSeq.UnitTests.Webhooks;

public sealed class WebhookRetryScheduleTests
{
    [Fact]
    public void The_default_schedule_waits_5s_30s_2min_10min_1h_6h_24h_then_gives_up()
    {
        var schedule = WebhookRetrySchedule.Default;

        Enumerable.Range(1, 8).Select(schedule.After).ShouldBe([
            TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
            TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromHours(24), null]);
        schedule.MaxAttempts.ShouldBe(8);
    }

    [Fact]
    public void A_configured_schedule_replaces_the_default_and_nonsense_is_refused()
    {
        var schedule = WebhookRetrySchedule.Parse("00:00:01, 00:00:02");

        schedule.After(1).ShouldBe(TimeSpan.FromSeconds(1));
        schedule.After(2).ShouldBe(TimeSpan.FromSeconds(2));
        schedule.After(3).ShouldBeNull();
        WebhookRetrySchedule.Parse(null).ShouldBe(WebhookRetrySchedule.Default);
        Should.Throw<FormatException>(() => WebhookRetrySchedule.Parse("soon"));
        Should.Throw<FormatException>(() => WebhookRetrySchedule.Parse("-00:00:01"));
    }
}
