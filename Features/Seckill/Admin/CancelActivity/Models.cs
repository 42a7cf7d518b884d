using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Seckill.Admin.CancelActivity;

/// <param name="ReleasedToSku">Units the activity has given back to its SKU so far (a cancel gives back the unsold ones at once).</param>
/// <param name="AlreadyCancelled">True when an earlier call had cancelled it: a repeat changes nothing.</param>
public sealed record Response(long Id, [ValuesOf(typeof(AdminActivityStatus))] string Status, DateTimeOffset CancelledAt, long ReleasedToSku,
    bool AlreadyCancelled);
