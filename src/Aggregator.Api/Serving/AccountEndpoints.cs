using System.Buffers;
using System.Globalization;
using Aggregator.Api.Access;
using Aggregator.Api.Accounts;
using Aggregator.Api.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aggregator.Api.Serving;

/// <summary>The routes that read the engines' live figures: an account, the market, the stream of health events.</summary>
internal static class AccountEndpoints
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/accounts/{id}", Account)
            .WithName("GetAccount")
            .WithSummary("An account's collateral per chain and asset (with the heights read), health factor, status, borrowing power and liquidation plan, for its credential or a protocol key that may read it.")
            .WithTags("Accounts")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/accounts/{id}/risk", Risk)
            .WithName("GetAccountRisk")
            .WithSummary("The account's risk sensitivity now, asked of its engine (docs/margin.md, \"Risk sensitivity\"): effective leverage, per asset Delta and Gamma of the health factor, the change for a 1% move each way, the liquidation price, and the largest single-asset move it survives; for its credential or a protocol key that may read it.")
            .WithTags("Accounts")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        v1.MapPost("/accounts/{id}/attestations", Attest)
            .WithName("AttestCollateral")
            .WithSummary("A collateral attestation of the account in a published epoch (docs/proofs.md): its committed balances reach the threshold at the prices less the haircuts, and nothing else is revealed; for the account's own credential only. 422 when the account falls short.")
            .WithTags("Accounts")
            .Accepts<AttestationRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        v1.MapGet("/markets", Markets)
            .WithName("GetMarkets")
            .WithSummary("Each asset's price, its sources' quotes and the oracle's status, as the engines last used them; for any key or credential.")
            .WithTags("Accounts")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        v1.MapGet("/events", Events)
            .WithName("StreamEvents")
            .WithSummary("Server-sent events: health changes, margin calls and liquidation plans of the accounts the caller may read (optionally one account); resumes from Last-Event-ID within a window.")
            .WithTags("Accounts")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult Account(string id, HttpRequest request, AccessPolicy access, AccountReadModel model)
    {
        // One refusal for every reason, after the same work: the account's existence is checked only for
        // a caller who may read it.
        if (access.Authorize(request.Headers.Authorization, id) is null)
        {
            return Refusal.NotReadable;
        }
        return model.Find(id) is { } answer ? answer : Refusal.NotReadable;
    }

    /// <summary>How long the engine that owns an account has to answer for its risk.</summary>
    private static readonly TimeSpan RiskTimeout = TimeSpan.FromSeconds(30);

    private static async Task<IResult> Risk(string id, HttpRequest request, AccessPolicy access, MassTransit.IClientFactory clients, CancellationToken cancellationToken)
    {
        if (access.Authorize(request.Headers.Authorization, id) is null)
        {
            return Refusal.NotReadable;
        }
        Messages.RiskReported risk;
        try
        {
            var client = clients.CreateRequestClient<Messages.RiskRequested>(MassTransit.RequestTimeout.After(ms: (int)RiskTimeout.TotalMilliseconds));
            risk = (await client.GetResponse<Messages.RiskReported>(new Messages.RiskRequested(id), cancellationToken).ConfigureAwait(false)).Message;
        }
        catch (MassTransit.RequestTimeoutException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable",
                detail: $"no engine answered for the account within {RiskTimeout.TotalSeconds:0} s; try again later");
        }
        if (!risk.Found)
        {
            return Refusal.NotReadable;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("account", risk.Account);
            writer.WriteString("status", risk.Status);
            JsonDecimals.Write(writer, "healthFactor", risk.HealthFactor);
            JsonDecimals.Write(writer, "effectiveLeverage", risk.EffectiveLeverage);
            writer.WriteStartArray("assets");
            foreach (var asset in risk.Assets)
            {
                writer.WriteStartObject();
                writer.WriteString("asset", asset.Asset);
                JsonDecimals.Write(writer, "price", asset.Price);
                JsonDecimals.Write(writer, "delta", asset.Delta);
                JsonDecimals.Write(writer, "gamma", asset.Gamma);
                JsonDecimals.Write(writer, "healthChangeUp1Percent", asset.HealthChangeUp1Percent);
                JsonDecimals.Write(writer, "healthChangeDown1Percent", asset.HealthChangeDown1Percent);
                JsonDecimals.Write(writer, "liquidationPrice", asset.LiquidationPrice);
                JsonDecimals.Write(writer, "moveToLiquidation", asset.MoveToLiquidation);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            if (risk.LargestMove is { } move)
            {
                writer.WriteStartObject("largestMoveSurvived");
                writer.WriteString("asset", risk.LargestMoveAsset);
                JsonDecimals.Write(writer, "move", move);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("largestMoveSurvived");
            }
            writer.WriteEndObject();
        }
        return TypedResults.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }

    private static async Task<IResult> Attest(
        string id, HttpRequest request, AccessPolicy access, Epochs.PublishedEpochs epochs, Attestations.AccountAttestations attestations, ApiSettings settings, CancellationToken cancellationToken)
    {
        // The caller first, then the body: whoever may not read the account learns nothing from its answer.
        if (access.Authorize(request.Headers.Authorization, id) is not { } reader)
        {
            return Refusal.NotReadable;
        }
        if (reader.Key is not null)
        {
            // An attestation speaks for the account: a protocol may read it, only its owner may give one.
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "only the account's own credential may ask for its attestations");
        }
        var body = await RequestBody.ReadAsync(request, settings.MaxRequestBytes, ApiJsonContext.Default.AttestationRequest, cancellationToken).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }
        var asked = body.Value!;
        var epoch = asked.Epoch is { } number
            ? epochs.NewestFirst().FirstOrDefault(e => e.Epoch == number && (asked.Publisher is null || string.Equals(e.Publisher, asked.Publisher, StringComparison.OrdinalIgnoreCase)))
            : epochs.NewestFirst().FirstOrDefault(e => asked.Publisher is null || string.Equals(e.Publisher, asked.Publisher, StringComparison.OrdinalIgnoreCase));
        if (epoch is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "no such published epoch");
        }
        Proving.CollateralTerms terms;
        try
        {
            terms = Proving.CollateralTerms.Parse(epoch.Manifest.Parameters().Assets, asked.Prices, asked.Haircuts ?? new Dictionary<string, string>(), asked.Threshold, asked.Subject,
                Proving.CollateralTerms.ParseScope(asked.Scope, "scope"), "prices", "haircuts", "threshold", "subject");
        }
        catch (Core.Errors.InputException error)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [error.Field ?? "$"] = [error.Message] });
        }
        try
        {
            var outcome = await attestations.AttestAsync(epoch, id, terms, cancellationToken).ConfigureAwait(false);
            return outcome switch
            {
                { Document: { } document } => TypedResults.Text(document, "application/json"),
                { Shortfall: { } shortfall } => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unprocessable Entity", detail: $"{shortfall}; no attestation was made"),
                _ => Refusal.NotReadable,
            };
        }
        catch (MassTransit.RequestTimeoutException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable",
                detail: $"no prover answered within {settings.InclusionTimeout.TotalSeconds:0} s; try again later");
        }
    }

    private static IResult Markets(HttpRequest request, AccessPolicy access, AccountReadModel model)
    {
        if (access.Identify(request.Headers.Authorization) is null)
        {
            return Refusal.NotReadable;
        }
        return model.MarketJson is { } json
            ? TypedResults.Bytes(json, "application/json")
            : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable", detail: "no engine has reported the market yet");
    }

    private static async Task<IResult> Events(HttpContext context, string? account, long? lastEventId, AccessPolicy access, EventStream stream)
    {
        var reader = account is null ? access.Identify(context.Request.Headers.Authorization) : access.Authorize(context.Request.Headers.Authorization, account);
        if (reader is null)
        {
            return Refusal.NotReadable;
        }
        var resumeFrom = lastEventId;
        if (context.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header)
        {
            if (!long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["Last-Event-ID"] = ["Last-Event-ID is the id of an event this stream sent"] });
            }
            resumeFrom = parsed;
        }
        using var subscription = stream.Subscribe(a => reader.Sees(a) && (account is null || a == account), resumeFrom);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Proxies that buffer would hold events back.
        response.Headers["X-Accel-Buffering"] = "no";
        var body = response.BodyWriter;
        var cancel = context.RequestAborted;
        body.Write("retry: 2000\n\n"u8);
        if (subscription.PassedWindow)
        {
            body.Write(System.Text.Encoding.UTF8.GetBytes($"event: gap\ndata: {{\"detail\":\"events after {resumeFrom} are no longer kept (the window holds the last {stream.Window}): read the accounts again\"}}\n\n"));
        }
        foreach (var kept in subscription.Backlog)
        {
            body.Write(kept.Bytes);
        }
        await body.FlushAsync(cancel).ConfigureAwait(false);
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                beat.CancelAfter(Heartbeat);
                bool more;
                try
                {
                    more = await subscription.Live.WaitToReadAsync(beat.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    body.Write(": keep-alive\n\n"u8);
                    await body.FlushAsync(cancel).ConfigureAwait(false);
                    continue;
                }
                if (!more)
                {
                    break;
                }
                while (subscription.Live.TryRead(out var next))
                {
                    body.Write(next.Bytes);
                }
                await body.FlushAsync(cancel).ConfigureAwait(false);
            }
        }
        catch (SubscriberTooSlowException)
        {
            body.Write("event: overflow\ndata: {\"detail\":\"this stream fell too far behind and is closed: reconnect with Last-Event-ID\"}\n\n"u8);
            await body.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The caller went away.
        }
        return TypedResults.Empty;
    }
}
