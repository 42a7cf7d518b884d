using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Addresses.CreateAddress;

public sealed class Endpoint(MySqlDataSource db, AddressOptions options, TimeProvider clock) : Endpoint<Request, AddressView>
{
    private const string CountMine = "SELECT COUNT(*) FROM addresses WHERE user_id = @UserId";

    private const string Insert = """
        INSERT INTO addresses (user_id, receiver, phone, province, city, district, detail, is_default, created_at, updated_at)
        VALUES (@UserId, @Receiver, @Phone, @Province, @City, @District, @Detail, @IsDefault, @Now, @Now);
        SELECT LAST_INSERT_ID();
        """;

    public override void Configure()
    {
        Post("addresses");
        Summary(s =>
        {
            s.Summary = "Add an address";
            s.Description = "The first address becomes the default; isDefault = true moves the default here.";
            s.ExampleRequest = new Request("韩梅梅", "13800138000", "广东省", "深圳市", "南山区", "科技园南区 1 栋 101", true);
            s.ResponseExamples[201] = new AddressView(3, "韩梅梅", "13800138000", "广东省", "深圳市", "南山区", "科技园南区 1 栋 101", true);
            s.Responses[201] = "Created.";
            s.Responses[400] = "Missing or invalid fields (phone: 11-digit mainland mobile).";
            s.Responses[409] = "Too many addresses.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<AddressView>(201).ProducesProblems(400, 409),
            clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var userId = User.UserId();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(AddressSql.LockUser, new { UserId = userId }, tx, cancellationToken: ct));
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountMine, new { UserId = userId }, tx, cancellationToken: ct));
        if (count >= options.MaxPerUser)
        {
            await Send.ResultAsync(Problem.Conflict($"At most {options.MaxPerUser} addresses; delete one first.", code: "address.limit_reached", args: new Dictionary<string, object?> { ["max"] = options.MaxPerUser }));
            return;
        }
        var isDefault = req.IsDefault || count == 0;
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Insert, new
        {
            UserId = userId, Receiver = req.Receiver.Trim(), req.Phone, Province = req.Province.Trim(), City = req.City.Trim(),
            District = req.District.Trim(), Detail = req.Detail.Trim(), IsDefault = isDefault, Now = clock.GetUtcNow().UtcDateTime,
        }, tx, cancellationToken: ct));
        if (isDefault)
            await connection.ExecuteAsync(new CommandDefinition(AddressSql.ClearDefault, new { UserId = userId, Id = id }, tx, cancellationToken: ct));
        var address = await connection.QuerySingleAsync<AddressView>(new CommandDefinition(AddressSql.ById, new { Id = id, UserId = userId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        await Send.ResponseAsync(address, StatusCodes.Status201Created, ct);
    }
}
