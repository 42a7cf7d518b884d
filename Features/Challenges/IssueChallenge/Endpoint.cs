using FastEndpoints;
using Mall.Features.Seckill;
using Mall.Infrastructure;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Challenges.IssueChallenge;

/// <summary>
/// A challenge for one guarded request: sign-in, registration, or one seckill token. A seckill challenge asks the
/// activity's own difficulty (0: none needed, nothing is stored).
/// </summary>
public sealed class Endpoint(ProofOfWork proofOfWork, ChallengeOptions options, ActivityQueries activities) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("challenges");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "Get a proof-of-work challenge";
            s.Description = "Find a decimal solution such that SHA-256 of \"{challengeId}:{solution}\" (UTF-8) starts with " +
                            "`difficulty` zero bits, and send \"Mall-Challenge: {challengeId}:{solution}\" with the request that answered " +
                            "428 challenge_required. Each challenge is accepted once, until expiresAt. Difficulty 0: send nothing.";
            s.ExampleRequest = new Request { Purpose = ChallengePurposes.Seckill, ActivityId = 42 };
            s.ResponseExamples[200] = new Response("3q2-7wAAAAAAAAAAAAAAAA", 16, DateTimeOffset.Parse("2026-11-25T12:02:00Z"));
            s.Responses[200] = "The challenge.";
            s.Responses[400] = "Unknown purpose, or a seckill challenge without its activity.";
            s.Responses[404] = "No such published activity.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        int difficulty;
        switch (req.Purpose)
        {
            case ChallengePurposes.Login: difficulty = options.LoginDifficulty; break;
            case ChallengePurposes.Register: difficulty = options.RegisterDifficulty; break;
            default:
                if (await activities.FindAsync(req.ActivityId!.Value, ct) is not { } activity)
                {
                    await Send.ResultAsync(Problem.NotFound("The activity", code: "seckill.activity_not_found"));
                    return;
                }
                difficulty = activity.ChallengeBits;
                break;
        }
        if (difficulty == 0)
        {
            await Send.OkAsync(new Response(null, 0, null), ct);
            return;
        }
        var issued = await proofOfWork.IssueAsync(req.Purpose, req.ActivityId, difficulty);
        await Send.OkAsync(new Response(issued.ChallengeId, issued.Difficulty, issued.ExpiresAt), ct);
    }
}
