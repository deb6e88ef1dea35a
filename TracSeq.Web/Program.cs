using MudBlazor.Services;
using TracSeq.ServiceDefaults.Data;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Web;
using TracSeq.Web.Components;

// Windows-1252 CSVs (what older Excel saves) are read for the sheet-with-errors view, as Templates reads them.
System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceCache();
builder.AddWebSessions();
builder.AddGatewayClients();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();

var app = builder.Build();
app.UseSecurityHeaders(_ => SecurityHeaders.PagePolicy);
app.UseServiceDefaults();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapWebEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
