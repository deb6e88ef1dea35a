using MudBlazor.Services;
using TracSeq.ServiceDefaults.Data;
using TracSeq.Web;
using TracSeq.Web.Components;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceCache();
builder.AddWebSessions();
builder.AddGatewayClients();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();

var app = builder.Build();
app.UseServiceDefaults();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapWebEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
