namespace Mall.Features.Payments.NotifyWeChatPayRefund;

/// <summary>What WeChat Pay expects back when a notification is refused: it retries later.</summary>
public sealed record Failure(string Code, string Message);
