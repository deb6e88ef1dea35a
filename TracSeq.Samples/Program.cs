using TracSeq.Samples;
using TracSeq.ServiceDefaults.Data;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase("samplesdb", typeof(Program).Assembly);
builder.AddServiceCache();
builder.AddTracSeqAuthentication();
builder.AddSamplesService();
builder.Services.AddOpenApi();
builder.Services.AddTracSeqOpenApi();

var app = builder.Build();
app.UseServiceDefaults();
app.MapOpenApi().AllowAnonymous();
app.MapSamplesEndpoints();

app.Run();
