using FastEndpoints;

namespace Mall.Infrastructure.Auth;

/// <summary>
/// Every operator endpoint: routes under /api/v1/admin, open only to the admin role (the AdminOnly policy). An admin
/// slice says <c>Group&lt;AdminGroup&gt;()</c> and its route without the prefix; 401 and 403 are documented for it
/// by the OpenAPI document's AuthorizationAnswers.
/// </summary>
public sealed class AdminGroup : Group
{
    public AdminGroup() => Configure("admin", endpoint => endpoint.Policies(Roles.AdminOnlyPolicy));
}
