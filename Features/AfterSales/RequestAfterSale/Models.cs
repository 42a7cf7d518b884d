using FastEndpoints;
using FluentValidation;
using Mall.Features.Orders;

namespace Mall.Features.AfterSales.RequestAfterSale;

public sealed class Request
{
    public string OrderNo { get; init; } = "";
    public string? Reason { get; init; }
    /// <summary>What to give back, in cents: at most what was paid minus what is already refunded or asked for.</summary>
    public long AmountCents { get; init; }
    /// <summary>The goods given back (returned to stock when the refund succeeds); none for a refund of money only.</summary>
    public IReadOnlyList<ItemRequest>? Items { get; init; }
    public IReadOnlyList<string>? PhotoUrls { get; init; }
}

public sealed record ItemRequest(long SkuId, int Quantity);

public sealed class Validator : Validator<Request>
{
    public const int MaxPhotos = 9;
    public const long MaxAmountCents = 100_000_000_00;

    public Validator()
    {
        RuleFor(r => r.OrderNo).Must(OrderNumbers.LooksValid).WithMessage("An order number is 10–32 letters or digits.");
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(200);
        RuleFor(r => r.AmountCents).InclusiveBetween(1, MaxAmountCents);
        RuleFor(r => r.Items).Must(items => items is null || items.Count <= 50).WithMessage("At most 50 items.")
            .Must(items => items is null || items.Select(i => i.SkuId).Distinct().Count() == items.Count).WithMessage("Each SKU at most once.");
        RuleForEach(r => r.Items).ChildRules(item =>
        {
            item.RuleFor(i => i.SkuId).GreaterThan(0);
            item.RuleFor(i => i.Quantity).InclusiveBetween(1, 10_000);
        });
        RuleFor(r => r.PhotoUrls).Must(urls => urls is null || urls.Count <= MaxPhotos).WithMessage($"At most {MaxPhotos} photos.");
        RuleForEach(r => r.PhotoUrls).NotEmpty().MaximumLength(300).Must(BeAPhotoUrl).WithMessage("A photo is an http(s) URL or a /media/ path.");
    }

    private static bool BeAPhotoUrl(string? url) =>
        url is not null && (url.StartsWith("/media/", StringComparison.Ordinal) && !url.Contains("..")
                            || Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");
}
