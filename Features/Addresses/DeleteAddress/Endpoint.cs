using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Addresses.DeleteAddress;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<Request, EmptyResponse>
{
    private const string Remove = "DELETE FROM addresses WHERE id = @Id AND user_id = @UserId";

    // Deleting the default promotes the most recently changed remaining address, so there is always one default.
    // (The user row is locked, so checking then promoting cannot race another write of this shopper.)
    private const string HasDefault = "SELECT COUNT(*) FROM addresses WHERE user_id = @UserId AND is_default = 1";

    private const string PromoteNewest = """
        UPDATE addresses SET is_default = 1 WHERE user_id = @UserId ORDER BY updated_at DESC, id DESC LIMIT 1
        """;

    public override void Configure()
    {
        Delete("addresses/{id}");
        Summary(s =>
        {
            s.Summary = "Delete an address";
            s.Description = "Placed orders keep their own copy of the address. Deleting the default promotes another.";
            s.Responses[204] = "Deleted.";
            s.Responses[400] = "Bad id.";
            s.Responses[404] = "No such address of yours.";
        });
        Description(d => d.Produces(204).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var userId = User.UserId();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(AddressSql.LockUser, new { UserId = userId }, tx, cancellationToken: ct));
        if (await connection.ExecuteAsync(new CommandDefinition(Remove, new { req.Id, UserId = userId }, tx, cancellationToken: ct)) == 0)
        {
            await Send.ResultAsync(Problem.NotFound("The address", code: "address.not_found"));
            return;
        }
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(HasDefault, new { UserId = userId }, tx, cancellationToken: ct)) == 0)
            await connection.ExecuteAsync(new CommandDefinition(PromoteNewest, new { UserId = userId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        await Send.NoContentAsync(ct);
    }
}
