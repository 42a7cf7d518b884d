using System.Text.Json;
using Mall.Features.Orders;
using Mall.Features.Payments;
using Mall.Features.Seckill;
using Mall.Infrastructure.OpenApi;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Conventions;

/// <summary>The served document names its schemas after the slices and lists every status a client can be sent.</summary>
public sealed class OpenApiSchemaTests(MallApp app) : IClassFixture<MallApp>
{
    public static TheoryData<string, string, string> StringValues() => new()
    {
        { "OrderDetail", "status", nameof(OrderStatus) },
        { "OrderDetail", "kind", nameof(OrderKind) },
        { "OrderSummary", "status", nameof(OrderStatus) },
        { "CheckoutResponse", "status", nameof(OrderStatus) },
        { "ActivityView", "status", nameof(ActivityStatus) },
        { "GetActivityResponse", "status", nameof(ActivityStatus) },
        { "AttemptResponse", "status", nameof(ReservationStatus) },
        { "GetReservationResponse", "status", nameof(ReservationStatus) },
        { "GetPaymentResponse", "provider", nameof(Providers) },
        { "GetPaymentResponse", "channel", nameof(Channels) },
        { "GetPaymentResponse", "status", nameof(PaymentStatus) },
        { "CreatePaymentRequest", "provider", nameof(Providers) },
    };

    private static readonly Dictionary<string, Type> ValueTypes = new[]
    {
        typeof(OrderStatus), typeof(OrderKind), typeof(ActivityStatus), typeof(ReservationStatus), typeof(Providers), typeof(Channels), typeof(PaymentStatus),
    }.ToDictionary(t => t.Name);

    [Theory]
    [MemberData(nameof(StringValues))]
    public async Task Statuses_are_string_enums_in_the_document(string schema, string property, string valuesType)
    {
        var schemas = await SchemasAsync();
        Assert.True(schemas.TryGetProperty(schema, out var type), $"no schema {schema}");
        var values = type.GetProperty("properties").GetProperty(property).GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).ToList();
        Assert.Equal(new ValuesOfAttribute(ValueTypes[valuesType]).Values, values);
        Assert.NotEmpty(values);
    }

    [Fact]
    public async Task Schema_names_are_slice_names_not_namespaces()
    {
        var names = (await SchemasAsync()).EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("CheckoutRequest", names);
        Assert.Contains("GetProductSkuView", names);
        Assert.Contains("ValidationProblemBody", names);
        Assert.DoesNotContain(names, n => n.StartsWith("Mall") || n.Contains("FastEndpoints"));
    }

    private async Task<JsonElement> SchemasAsync() =>
        JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("components").GetProperty("schemas");
}
