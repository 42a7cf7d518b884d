using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Addresses.UpdateAddress;

public sealed class Endpoint(MySqlDataSource db, TimeProvider clock) : Endpoint<Request, AddressView>
{
    // The user_id condition is what makes another shopper's address a 404, not a 403: ids reveal nothing.
    private const string Update = """
        UPDATE addresses SET receiver = @Receiver, phone = @Phone, province = @Province, city = @City, district = @District,
            detail = @Detail, is_default = CASE WHEN @IsDefault THEN 1 ELSE is_default END, updated_at = @Now
        WHERE id = @Id AND user_id = @UserId
        """;

    public override void Configure()
    {
        Put("addresses/{id}");
        Summary(s =>
        {
            s.Summary = "Edit an address";
            s.Description = "isDefault = true makes it the default; false leaves the default where it is (there is always one).";
            s.ExampleRequest = new Request { Id = 3, Receiver = "韩梅梅", Phone = "13800138000", Province = "广东省", City = "深圳市",
                District = "南山区", Detail = "科技园南区 1 栋 101", IsDefault = true };
            s.ResponseExamples[200] = new AddressView(3, "韩梅梅", "13800138000", "广东省", "深圳市", "南山区", "科技园南区 1 栋 101", true);
            s.Responses[200] = "Updated.";
            s.Responses[400] = "Missing or invalid fields.";
            s.Responses[404] = "No such address of yours.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<AddressView>(200).ProducesProblems(400, 404),
            clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var userId = User.UserId();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(AddressSql.LockUser, new { UserId = userId }, tx, cancellationToken: ct));
        var matched = await connection.ExecuteAsync(new CommandDefinition(Update, new
        {
            req.Id, UserId = userId, Receiver = req.Receiver.Trim(), req.Phone, Province = req.Province.Trim(), City = req.City.Trim(),
            District = req.District.Trim(), Detail = req.Detail.Trim(), req.IsDefault, Now = clock.GetUtcNow().UtcDateTime,
        }, tx, cancellationToken: ct));
        if (matched == 0)
        {
            await Send.ResultAsync(Problem.NotFound("The address", code: "address.not_found"));
            return;
        }
        if (req.IsDefault)
            await connection.ExecuteAsync(new CommandDefinition(AddressSql.ClearDefault, new { UserId = userId, req.Id }, tx, cancellationToken: ct));
        var address = await connection.QuerySingleAsync<AddressView>(new CommandDefinition(AddressSql.ById, new { req.Id, UserId = userId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        await Send.OkAsync(address, ct);
    }
}
