using TracSeq.ServiceDefaults.Data;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Templates;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase("templatesdb", typeof(Program).Assembly);
builder.AddServiceCache();
builder.AddTracSeqAuthentication();
builder.AddTemplatesService();
builder.Services.AddOpenApi();
builder.Services.AddTracSeqOpenApi();

var app = builder.Build();
app.UseServiceDefaults();
app.MapOpenApi().AllowAnonymous();
app.MapTemplatesEndpoints();

app.Run();
