using System.Globalization;
using Aggregator.Api.Epochs;
using Aggregator.Core.Errors;
using Aggregator.Core.Files;
using Aggregator.Messages;
using Aggregator.Proving;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Aggregator.Api.Attestations;

/// <summary>
/// Collateral attestations asked of a prover over the bus on an account's behalf. An answer is served only
/// once it passes every check `aggregator verify attestation` makes against the epoch's manifest and the
/// pinned key, and states exactly the terms asked for: a prover answering for other prices, another
/// subject or scope is refused, never relayed. Nothing is cached: each set of terms is its own proof.
/// </summary>
internal sealed partial class AccountAttestations(ApiSettings settings, IClientFactory clients, ILogger<AccountAttestations> log)
{
    private readonly Lazy<VerificationKeys> _keys = new(() => VerificationKeys.Locate(settings.KeysDirectory));

    /// <summary>What came of a request: the attestation file, or why there is none.</summary>
    /// <param name="Shortfall">The account falls short of the threshold (for its own eyes).</param>
    /// <param name="Unknown">The prover holds no such account in a published epoch.</param>
    public sealed record Outcome(string? Document, string? Shortfall, bool Unknown);

    /// <exception cref="RequestTimeoutException">No prover answered in time.</exception>
    /// <exception cref="InvalidOperationException">The prover's answer fails the checks: nothing is served.</exception>
    public async Task<Outcome> AttestAsync(PublishedEpoch epoch, string account, CollateralTerms terms, CancellationToken cancellationToken)
    {
        var client = clients.CreateRequestClient<CollateralAttestationRequested>(RequestTimeout.After(ms: (int)settings.InclusionTimeout.TotalMilliseconds));
        var request = new CollateralAttestationRequested(epoch.Epoch, account, terms.Prices, terms.Weights, terms.Threshold, terms.Subject.ToString(), terms.Scope.ToString());
        var response = await client.GetResponse<CollateralAttestationIssued, CollateralAttestationRefused>(request, cancellationToken).ConfigureAwait(false);
        if (!response.Is(out Response<CollateralAttestationIssued>? issued))
        {
            return response.Is(out Response<CollateralAttestationRefused>? refused) && refused.Message.Shortfall
                ? new Outcome(null, refused.Message.Reason, false)
                : new Outcome(null, null, true);
        }
        var document = issued.Message.Document;
        if (Refusal(Path.Combine(epoch.Directory, Commitment.EpochDirectory.ManifestFile), _keys.Value, terms, document) is { } refusal)
        {
            Rejected(log, epoch.Epoch, refusal);
            throw new InvalidOperationException($"the prover's attestation for epoch {epoch.Epoch} does not verify for the terms asked; nothing was served");
        }
        return new Outcome(document, null, false);
    }

    /// <summary>
    /// Why an attestation may not be served for <paramref name="terms"/>, or null when it may: the checks of
    /// `verify attestation` against the epoch's manifest, then the terms asked for, field by field.
    /// </summary>
    internal static string? Refusal(string manifestPath, VerificationKeys keys, CollateralTerms terms, string document)
    {
        var path = Path.Combine(Path.GetTempPath(), $"aggregator-attestation-{Guid.NewGuid():N}.json");
        try
        {
            using (var file = SafeFile.OpenPrivate(path, FileMode.CreateNew))
            {
                file.Write(System.Text.Encoding.UTF8.GetBytes(document));
            }
            var report = ProofChecks.Attestation(path, ProofChecks.Published.FromManifest(manifestPath), keys);
            if (!report.IsValid)
            {
                return report.Failure;
            }
            // ProofChecks read the file: it is a JSON object with these fields, as strings.
            var stated = System.Text.Json.Nodes.JsonNode.Parse(document)!.AsObject();
            static string? Text(System.Text.Json.Nodes.JsonNode? node) => node is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            string?[] Texts(string name) => [.. (stated[name] as System.Text.Json.Nodes.JsonArray ?? []).Select(Text)];
            var asked = Texts("prices").SequenceEqual(terms.Prices.Select(p => p.ToString(CultureInfo.InvariantCulture)))
                && Texts("weights").SequenceEqual(terms.Weights.Select(w => w.ToString(CultureInfo.InvariantCulture)))
                && Text(stated["threshold"]) == terms.Threshold.ToString(CultureInfo.InvariantCulture)
                && Text(stated["subject"]) == terms.Subject.ToString()
                && Text(stated["scope"]) == terms.Scope.ToString();
            return asked ? null : "the attestation states other terms than those asked for";
        }
        catch (InputException error)
        {
            return $"malformed: {error.Message}";
        }
        finally
        {
            File.Delete(path);
        }
    }

    // The account is not logged, as for inclusion files.
    [LoggerMessage(Level = LogLevel.Error, Message = "a prover's attestation for epoch {Epoch} was refused: {Reason}")]
    private static partial void Rejected(ILogger logger, ulong epoch, string reason);
}
