using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Aggregator.Api.Access;
using Aggregator.Api.Epochs;
using Aggregator.Api.Inclusion;
using Aggregator.Proving;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Aggregator.Api.Serving;

/// <summary>The API's routes under /v1 (docs/api.md; the OpenAPI document at /openapi/v1.json is generated from them).</summary>
internal static class ApiEndpoints
{
    private const int DefaultPage = 20;
    private const int LargestPage = 100;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1");
        v1.MapGet("/epochs", ListEpochs)
            .WithName("ListEpochs")
            .WithSummary("The published epochs, newest first, a page at a time.")
            .WithTags("Epochs");
        var epoch = v1.MapGroup("/epochs/{publisher}/{epoch}").WithTags("Epochs");
        epoch.MapGet("/manifest", (string publisher, ulong epoch, PublishedEpochs epochs) => PublicFile(epochs, publisher, epoch, Commitment.EpochDirectory.ManifestFile))
            .WithName("GetManifest")
            .WithSummary("The epoch's manifest.json, exactly as published.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        epoch.MapGet("/solvency", (string publisher, ulong epoch, PublishedEpochs epochs) => PublicFile(epochs, publisher, epoch, EpochProofs.SolvencyProofFile))
            .WithName("GetSolvencyProof")
            .WithSummary("The epoch's solvency proof, exactly as published.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        epoch.MapGet("/reserves", (string publisher, ulong epoch, PublishedEpochs epochs) => PublicFile(epochs, publisher, epoch, EpochProofs.ReservesEvidenceFile))
            .WithName("GetReservesEvidence")
            .WithSummary("The epoch's reserves evidence (per chain the block read, per address its balances and ownership proof), exactly as published.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        epoch.MapGet("/registry", (string publisher, ulong epoch, PublishedEpochs epochs) => PublicFile(epochs, publisher, epoch, "registry.json"))
            .WithName("GetRegistryRecord")
            .WithSummary("What the registry records of the epoch, as the prover last read it (readAt): status, double claim, disputes filed and answered, auditors' co-signatures, the publisher's missed window.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        epoch.MapPost("/inclusion", Inclusion)
            .WithName("GetInclusionProof")
            .WithSummary("An account's inclusion file, for the account's credential or a protocol key that may read it; proved on demand and cached.")
            .Accepts<InclusionRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        AccountEndpoints.Map(v1);
        endpoints.MapGet("/verify", (HttpResponse response) =>
            {
                response.Headers.XContentTypeOptions = "nosniff";
                response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Text(Verifier.VerifierPage.Html, "text/html; charset=utf-8");
            })
            .WithName("VerifierPage")
            .WithSummary("The verifier page: drop an inclusion file (or a solvency proof) and every check runs in the browser against the pinned keys.")
            .WithTags("Verifier")
            .Produces(StatusCodes.Status200OK, contentType: "text/html");
        v1.MapGet("/por/{asset}", Reserves)
            .WithName("GetProvenReserves")
            .WithSummary("The latest proven reserves of an asset, in the terms of the on-chain Proof-of-Reserve feed.")
            .WithTags("Reserves");
    }

    private static Results<Ok<EpochPage>, ValidationProblem> ListEpochs(PublishedEpochs epochs, string? publisher, string? after, int? limit)
    {
        if (limit is < 1 or > LargestPage)
        {
            return Invalid("limit", $"limit is 1 to {LargestPage}");
        }
        if (publisher is not null && !Commitment.PublisherAddress.TryParse(publisher.ToLowerInvariant(), out _))
        {
            return Invalid("publisher", "publisher is an EVM address (0x and 40 hex digits)");
        }
        var all = epochs.NewestFirst().Where(e => publisher is null || string.Equals(e.Publisher, publisher, StringComparison.OrdinalIgnoreCase));
        if (after is not null)
        {
            if (Cursor.Parse(after) is not { } cursor)
            {
                return Invalid("after", "after is the cursor of a previous page's next link");
            }
            all = all.SkipWhile(e => !cursor.Precedes(e));
        }
        var size = limit ?? DefaultPage;
        var page = all.Take(size + 1).ToList();
        string? next = null;
        if (page.Count > size)
        {
            page.RemoveAt(size);
            var query = new List<string> { $"after={Uri.EscapeDataString(Cursor.Of(page[^1]))}", $"limit={size}" };
            if (publisher is not null)
            {
                query.Insert(0, $"publisher={publisher}");
            }
            next = "/v1/epochs?" + string.Join('&', query);
        }
        return TypedResults.Ok(new EpochPage([.. page.Select(Summary)], next));
    }

    private static IResult PublicFile(PublishedEpochs epochs, string publisher, ulong epoch, string file)
    {
        if (epochs.Find(publisher, epoch) is not { } found)
        {
            return NoEpoch(publisher, epoch);
        }
        // The file exactly as published: its bytes, not a re-serialization.
        var path = Path.Combine(found.Directory, file);
        return File.Exists(path) ? TypedResults.PhysicalFile(path, "application/json") : NoEpoch(publisher, epoch);
    }

    private static async Task<IResult> Inclusion(string publisher, ulong epoch, HttpRequest request, PublishedEpochs epochs, AccessPolicy access, InclusionProofs proofs, ApiSettings settings, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request, settings.MaxRequestBytes, ApiJsonContext.Default.InclusionRequest, cancellationToken).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }
        if (string.IsNullOrEmpty(body.Value!.Account) || body.Value.Account.Length > 256)
        {
            return Invalid("account", "account is the account's id, 1 to 256 characters");
        }
        if (epochs.Find(publisher, epoch) is not { } found)
        {
            return NoEpoch(publisher, epoch);
        }
        if (access.Authorize(request.Headers.Authorization, body.Value.Account) is null)
        {
            return Refusal.NotReadable;
        }
        try
        {
            var document = await proofs.GetAsync(found, body.Value.Account, cancellationToken).ConfigureAwait(false);
            return document is null ? Refusal.NotReadable : TypedResults.Text(document, "application/json");
        }
        catch (RequestTimeoutException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable",
                detail: $"no prover answered within {settings.InclusionTimeout.TotalSeconds:0} s; try again later");
        }
        catch (InclusionCapReachedException reached)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable",
                detail: $"{reached.Message}: the institution serves no more this epoch; an account that got no proof can say so on the registry (aggregator dispute file)");
        }
    }

    private static IResult Reserves(string asset, string? publisher, int? decimals, PublishedEpochs epochs)
    {
        if (decimals is < 0 or > 36)
        {
            return Invalid("decimals", "decimals is 0 to 36");
        }
        var latest = epochs.NewestFirst()
            .Where(e => publisher is null || string.Equals(e.Publisher, publisher, StringComparison.OrdinalIgnoreCase))
            .Select(e => (Epoch: e, Index: e.Manifest.Assets.ToList().FindIndex(a => a.Symbol == asset)))
            .FirstOrDefault(e => e.Index >= 0);
        if (latest.Epoch is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"no published epoch proves reserves of '{asset}'");
        }
        var manifest = latest.Epoch.Manifest;
        var reserve = manifest.Reserves![latest.Index];
        var proofDecimals = manifest.Assets[latest.Index].ProofDecimals;
        var scale = decimals ?? proofDecimals;
        var units = BigInteger.Parse(reserve.ProofUnits, CultureInfo.InvariantCulture);
        // Rounded down, as the feed rounds: a reported reserve is never more than was proven.
        var answer = scale >= proofDecimals ? units * BigInteger.Pow(10, scale - proofDecimals) : units / BigInteger.Pow(10, proofDecimals - scale);
        return TypedResults.Ok(new ReserveAnswer(asset, manifest.Publisher, manifest.Epoch, answer.ToString(CultureInfo.InvariantCulture), scale, reserve.Amount,
            reserve.CoverageBasisPoints, latest.Epoch.Publication.BlockTime, Publication(latest.Epoch)));
    }

    private static EpochSummary Summary(PublishedEpoch epoch)
    {
        var manifest = epoch.Manifest;
        var root = $"/v1/epochs/{epoch.Publisher}/{epoch.Epoch}";
        return new EpochSummary(
            epoch.Epoch, epoch.Publisher, manifest.Commitment, manifest.ParamsHash, manifest.Depth,
            [.. manifest.Reserves!.Zip(manifest.Assets, (r, a) => new ProvenReserve(r.Symbol, r.Amount, r.ProofUnits, a.ProofDecimals, r.CoverageBasisPoints))],
            manifest.ReservesByEvidence, Publication(epoch), new EpochFiles($"{root}/manifest", $"{root}/solvency", $"{root}/reserves", $"{root}/registry"));
    }

    private static PublicationRecord Publication(PublishedEpoch epoch) =>
        new(epoch.Publication.Chain, epoch.Publication.Registry, epoch.Publication.TransactionHash, epoch.Publication.Block, epoch.Publication.BlockTime);

    private static ProblemHttpResult NoEpoch(string publisher, ulong epoch) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"no published epoch {epoch} of publisher {publisher}");

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    // A page's position: the last epoch and publisher served.
    private sealed record Cursor(ulong Epoch, string Publisher)
    {
        public static string Of(PublishedEpoch epoch) => $"{epoch.Epoch}-{epoch.Publisher}";

        public static Cursor? Parse(string text)
        {
            var parts = text.Split('-', 2);
            return parts.Length == 2 && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) ? new Cursor(epoch, parts[1]) : null;
        }

        // Whether e comes after this cursor in the listing (newest first).
        public bool Precedes(PublishedEpoch e) => e.Epoch < Epoch || (e.Epoch == Epoch && string.CompareOrdinal(e.Publisher, Publisher) > 0);
    }
}
