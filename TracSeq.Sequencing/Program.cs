using TracSeq.Sequencing;
using TracSeq.ServiceDefaults.Data;
using TracSeq.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase("sequencingdb", typeof(Program).Assembly);
builder.AddServiceCache();
builder.AddTracSeqAuthentication();
builder.AddSequencingService();
builder.Services.AddOpenApi();

var app = builder.Build();
app.UseServiceDefaults();
app.MapOpenApi().AllowAnonymous();
app.MapSequencingEndpoints();

app.Run();
