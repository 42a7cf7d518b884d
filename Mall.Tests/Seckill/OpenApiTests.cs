using System.Text.Json;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

public sealed class SeckillOpenApiTests(SeckillApp app) : IClassFixture<SeckillApp>
{
    [Fact]
    public async Task The_openapi_document_describes_every_seckill_endpoint_with_its_status_codes()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");
        string[] expected =
        [
            "/api/v1/time", "/api/v1/seckill/activities", "/api/v1/seckill/activities/{id}", "/api/v1/seckill/activities/{id}/token",
            "/api/v1/seckill/activities/{id}/attempts", "/api/v1/seckill/reservations/{reservationId}",
            "/api/v1/admin/seckill/activities", "/api/v1/admin/seckill/activities/{id}", "/api/v1/admin/seckill/activities/{id}/publish",
            "/api/v1/admin/seckill/activities/{id}/reconcile", "/api/v1/admin/seckill/activities/{id}/cancel", "/api/v1/admin/seckill/live",
        ];
        foreach (var path in expected) Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing");
        var attempt = paths.GetProperty("/api/v1/seckill/activities/{id}/attempts").GetProperty("post").GetProperty("responses");
        foreach (var status in new[] { "202", "400", "403", "404", "409", "410", "425", "429" })
            Assert.True(attempt.TryGetProperty(status, out _), $"attempt lacks {status}");
    }
}
