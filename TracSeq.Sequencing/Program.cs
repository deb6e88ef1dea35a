using TracSeq.ServiceDefaults.Data;
using TracSeq.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase("sequencingdb", typeof(Program).Assembly);
builder.AddServiceCache();
builder.AddTracSeqAuthentication();
builder.Services.AddOpenApi();

var app = builder.Build();
app.UseServiceDefaults();
app.MapOpenApi().AllowAnonymous();

app.Run();
