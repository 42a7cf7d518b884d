using System.Text;
using System.Text.Json;
using Dapper;
using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Auth.Admin.ListAuditEntries;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<Request, Response>
{
    private const int CountCap = 10_000;

    private const string ActorOf = "SELECT id FROM users WHERE account = @Account";

    // Each filter is an equality on the leading column of an index — (entity, entity_id, created_at), (actor_id, created_at),
    // (action, created_at) — or none, (created_at): the newest entries are read first, never the whole log.
    private const string PageOf = """
        SELECT a.id AS Id, a.created_at AS CreatedAt, a.actor_id AS ActorId, COALESCE(u.account, '') AS ActorAccount, a.action AS Action,
               a.entity AS Entity, a.entity_id AS EntityId, a.before_json AS BeforeJson, a.after_json AS AfterJson,
               a.client_ip AS ClientIp, a.trace_id AS TraceId
        FROM admin_audit a LEFT JOIN users u ON u.id = a.actor_id
        WHERE {0}
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT @Limit OFFSET @Offset;

        SELECT COUNT(*) FROM (SELECT 1 FROM admin_audit a WHERE {0} LIMIT @CountUpTo) capped;
        """;

    public override void Configure()
    {
        Get("audit");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "The operators' audit log (admin)";
            s.Description = "Every change an operator made, newest first: who (actorId, actorAccount), what (action, entity, entityId), " +
                            "the entity before and after, from where (clientIp, traceId). Filter by entity (and entityId), actor (account) " +
                            "or actorId, action. total counts at most 10,000.";
            s.ResponseExamples[200] = new Response([new Entry(1031, new DateTime(2026, 11, 25, 11, 15, 30, DateTimeKind.Utc), 1, "admin@mall.local",
                "order.ship", "order", "20261125081530123456789",
                JsonDocument.Parse("""{"orderNo":"20261125081530123456789","status":"Paid","carrier":null,"trackingNo":null}""").RootElement,
                JsonDocument.Parse("""{"orderNo":"20261125081530123456789","status":"Shipped","carrier":"顺丰速运","trackingNo":"SF1234567890123"}""").RootElement,
                "203.0.113.7", "4bf92f3577b34da6a3ce929d0e0e4736")], 1, 50, 1, true);
            s.Responses[200] = "A page of entries.";
            s.Responses[400] = "Over-long filters, an entityId without its entity, or bad paging.";
        });
        Description(d => d.Accepts<Request>().Produces<Response>(200).ProducesProblems(400), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var where = new StringBuilder("1 = 1");
        var parameters = new DynamicParameters(new { Limit = req.PageSize, Offset = (req.Page - 1) * req.PageSize, CountUpTo = CountCap + 1 });
        var actorId = req.ActorId;
        if (!string.IsNullOrWhiteSpace(req.Actor))
        {
            var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(ActorOf, new { Account = Accounts.Normalize(req.Actor) },
                cancellationToken: ct));
            if (id is null || (actorId is not null && actorId != id))
            {
                await Send.OkAsync(new Response([], req.Page, req.PageSize, 0, true), ct);
                return;
            }
            actorId = id;
        }
        if (!string.IsNullOrEmpty(req.Entity)) Add("a.entity = @Entity", "Entity", req.Entity);
        if (req.EntityId is not null) Add("a.entity_id = @EntityId", "EntityId", req.EntityId);
        if (actorId is not null) Add("a.actor_id = @ActorId", "ActorId", actorId);
        if (!string.IsNullOrEmpty(req.Action)) Add("a.action = @Action", "Action", req.Action);

        using var results = await connection.QueryMultipleAsync(new CommandDefinition(string.Format(PageOf, where), parameters, cancellationToken: ct));
        var rows = await results.ReadAsync<Row>();
        var counted = await results.ReadSingleAsync<long>();
        await Send.OkAsync(new Response(rows.Select(r => new Entry(r.Id, DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc), r.ActorId, r.ActorAccount,
                r.Action, r.Entity, r.EntityId, Parse(r.BeforeJson), Parse(r.AfterJson), r.ClientIp, r.TraceId)).ToList(),
            req.Page, req.PageSize, Math.Min(counted, CountCap), counted <= CountCap), ct);

        void Add(string condition, string name, object value)
        {
            where.Append(" AND ").Append(condition);
            parameters.Add(name, value);
        }
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    private sealed record Row(long Id, DateTime CreatedAt, long ActorId, string ActorAccount, string Action, string Entity, string EntityId,
        string? BeforeJson, string? AfterJson, string? ClientIp, string? TraceId);
}
