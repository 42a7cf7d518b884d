using System.Data.Common;
using System.Text.Json;
using Dapper;
using Mall.Infrastructure.Auth;

namespace Mall.Infrastructure;

/// <summary>
/// The operators' audit log (<c>admin_audit</c>). A slice that changes something on an operator's behalf calls
/// <see cref="WriteAsync"/> on the connection and transaction of the change itself, so the change and its record
/// commit together or not at all.
/// </summary>
public sealed class AdminAudit(TimeProvider clock)
{
    private const string Insert = """
        INSERT INTO admin_audit (actor_id, action, entity, entity_id, before_json, after_json, client_ip, trace_id, created_at)
        VALUES (@ActorId, @Action, @Entity, @EntityId, @Before, @After, @ClientIp, @TraceId, @Now)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="action">What was done, <c>entity.verb</c>: <c>product.update</c>, <c>order.ship</c>.</param>
    /// <param name="before">The entity before the change (null when it is created), serialised as camelCase JSON.</param>
    /// <param name="after">The entity after the change (null when it is deleted).</param>
    public Task WriteAsync(DbConnection connection, DbTransaction? transaction, HttpContext http, string action, string entity,
        object entityId, object? before, object? after, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            ActorId = http.User.UserId(),
            Action = action,
            Entity = entity,
            EntityId = Convert.ToString(entityId, System.Globalization.CultureInfo.InvariantCulture),
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
            ClientIp = http.Connection.RemoteIpAddress?.ToString(),
            TraceId = ProblemDetailsExtensions.TraceId(http),
            Now = clock.GetUtcNow().UtcDateTime,
        }, transaction, cancellationToken: ct));
}
