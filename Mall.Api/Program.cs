using Mall.Features.Addresses;
using Mall.Features.AfterSales;
using Mall.Features.Auth;
using Mall.Features.Cart;
using Mall.Features.Catalog;
using Mall.Features.Challenges;
using Mall.Features.Orders;
using Mall.Features.Payments;
using Mall.Features.Seckill;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;

// The composition root reads as a table of contents: one line per capability.
var builder = WebApplication.CreateBuilder(args);

builder.AddMallLogging();
builder.AddMallTracing();
builder.AddMallConfigurationGuards();
builder.AddMallDatabase();
builder.AddMallRedis();
builder.AddMallClock();
builder.AddMallProblemDetails();
builder.AddMallLocalization();
builder.AddMallAuth();
builder.AddMallEndpoints();
builder.AddMallHealthChecks();
builder.AddMallRealtime();

// Features (vertical slices in ../Features), one line each.
builder.AddAuthFeature();
builder.AddCatalogFeature();
builder.AddCartFeature();
builder.AddAddressesFeature();
builder.AddOrdersFeature();
builder.AddSeckillFeature();
builder.AddPaymentsFeature();
builder.AddAfterSalesFeature();
builder.AddChallengesFeature();

var app = builder.Build();

app.UseMallForwardedHeaders();
app.UseMallLocalization();
app.UseStaticFiles();
app.UseCatalogMedia();
// Logging and metrics wrap the problem-details handler, so they record the answer the client got (a 503 for an
// unreachable dependency), not the exception on its way out.
app.UseMallRequestLogging();
app.UseMallMetrics();
app.UseMallProblemDetails();
app.UseMallSecurityHeaders();
app.UseMallAuthentication();
app.UseAuthorization();
app.UseMallEndpoints();
app.MapMallHubs();
app.MapPaymentsSandbox();
app.MapMallHealthChecks();
app.MapMallApiReference();

await app.MigrateMallDatabaseAsync();
await app.RunAsync();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
