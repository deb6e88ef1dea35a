using TracSeq.Auth;
using TracSeq.Auth.Sessions;
using TracSeq.Auth.Tokens;
using TracSeq.Auth.Users;
using TracSeq.ServiceDefaults.Data;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase("authdb", typeof(Program).Assembly);
builder.AddServiceCache();
builder.AddTracSeqAuthentication();
builder.AddAuthService();
builder.Services.AddOpenApi();
builder.Services.AddTracSeqOpenApi();

var app = builder.Build();
app.UseServiceDefaults();
app.UseRateLimiter();
app.MapOpenApi().AllowAnonymous();
app.MapDiscoveryApi();
app.MapAuthApi();
app.MapUsersApi();
app.MapUserDirectoryApi();

app.Run();
