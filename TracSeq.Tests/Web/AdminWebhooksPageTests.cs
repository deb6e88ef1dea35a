using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Webhooks;

namespace TracSeq.Tests.Web;

/// <summary>
/// The administrator's Webhooks page against a real receiver: add a subscription, copy the secret it shows once, send a
/// test event (its signature checked with that secret), read the delivery log, disable and delete it.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class AdminWebhooksPageTests(AppHostFixture app, BrowserFixture browser, WebhookReceiver receiver)
    : IClassFixture<WebhookReceiver>
{
    private readonly WebUi _ui = new(app, browser);

    [Fact]
    public async Task An_administrator_adds_tests_reads_disables_and_deletes_a_subscription()
    {
        var path = receiver.NewEndpoint();
        var url = receiver.BaseUrl + path;
        var page = await _ui.SignInAsAdminAsync();
        await WebUi.GoToAsync(page, "/admin/webhooks");

        await page.GetByLabel("Receiver URL").FillAsync(url);
        await page.GetByLabel("Description").FillAsync("LIMS bridge");
        await page.Locator(".mud-select", new() { Has = page.GetByText("Events") }).First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "sample.created" }).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add subscription" }).ClickAsync();
        var secret = await page.GetByTestId("webhook-secret").InnerTextAsync();
        secret.ShouldStartWith("whsec_");
        var row = page.Locator("tbody tr", new() { HasText = url });
        (await row.InnerTextAsync()).ShouldContain("active");
        await WebUi.ShouldPassAxeAsync(page, "/admin/webhooks");

        await row.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        var test = (await receiver.WaitForAsync(path, 1, TimeSpan.FromSeconds(30))).ShouldHaveSingleItem();
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{test.Id}.{test.Timestamp}.{test.Body}")));
        test.Signature!.Split(' ').ShouldContain($"v1,{expected}");
        test.Body.ShouldContain("\"webhook.test\"");

        await row.GetByRole(AriaRole.Button, new() { Name = $"Deliveries of {url}" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = $"Recent deliveries to {url}" }).WaitForAsync();
        await page.Locator("tbody tr", new() { HasText = "webhook.test" }).GetByText("delivered").WaitForAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await page.GetByText($"{url} is disabled.").WaitForAsync();
        (await row.InnerTextAsync()).ShouldContain("disabled");

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.GetByText($"{url} no longer receives events.").WaitForAsync();
        (await page.Locator("tbody tr", new() { HasText = url }).CountAsync()).ShouldBe(0);
    }
}
