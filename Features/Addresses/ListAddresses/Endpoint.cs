using Dapper;
using FastEndpoints;
using Mall.Infrastructure.Auth;
using MySqlConnector;

namespace Mall.Features.Addresses.ListAddresses;

public sealed class Endpoint(MySqlDataSource db) : EndpointWithoutRequest<IReadOnlyList<AddressView>>
{
    private const string Mine = """
        SELECT id AS Id, receiver AS Receiver, phone AS Phone, province AS Province, city AS City, district AS District,
               detail AS Detail, is_default AS IsDefault
        FROM addresses WHERE user_id = @UserId ORDER BY is_default DESC, updated_at DESC, id DESC
        """;

    public override void Configure()
    {
        Get("addresses");
        Summary(s =>
        {
            s.Summary = "The shopper's addresses";
            s.Description = "The default address first, then the most recently changed.";
            s.ResponseExamples[200] = new[] { new AddressView(3, "韩梅梅", "13800138000", "广东省", "深圳市", "南山区", "科技园南区 1 栋 101", true) };
            s.Responses[200] = "The addresses.";
        });
        Description(d => d.Produces<IReadOnlyList<AddressView>>(200), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<AddressView>(new CommandDefinition(Mine, new { UserId = User.UserId() }, cancellationToken: ct));
        await Send.OkAsync(rows.ToList(), ct);
    }
}
