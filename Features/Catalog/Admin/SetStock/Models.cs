using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.SetStock;

public sealed class Request
{
    public long Id { get; init; }
    public int? Stock { get; init; }
}

public sealed record Response(long Id, int Stock, int Locked, int Sold, int Available);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
        RuleFor(r => r.Stock).NotNull().InclusiveBetween(0, ProductInputRules<CreateProduct.Request>.MaxStock);
    }
}
