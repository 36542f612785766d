using System.CommandLine;
using System.Globalization;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;
using Aggregator.Proving;

namespace Aggregator.Cli.Commands;

/// <summary>
/// <c>aggregator attest collateral</c>: a zero-knowledge attestation that an account of a solvency-proven
/// epoch holds collateral worth at least a threshold at given prices and haircuts, and nothing else.
/// </summary>
internal static class AttestCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("attest", "Attest privately to a protocol what an account's committed balances are worth (Groth16, native).");
        command.Subcommands.Add(Collateral(context));
        return command;
    }

    private static Command Collateral(CliContext context)
    {
        var epoch = new Option<string>("--epoch") { Description = "The epoch directory written by `aggregator commit`, its solvency proven", Required = true };
        var account = new Option<string>("--account") { Description = "The account id, as in the ledger", Required = true };
        var prices = new Option<string>("--prices") { Description = "One whole unit's value per asset, e.g. BTC=60000,ETH=3000 (rounded down to 10^-8); an asset not named counts for nothing", Required = true };
        var haircuts = new Option<string?>("--haircuts") { Description = "Haircuts per asset, e.g. BTC=0.1 (the asset counts for 90%; rounded up to basis points); an asset not named has none" };
        var threshold = new Option<string>("--threshold") { Description = "The value the collateral must reach, in the prices' unit (rounded up to 10^-8)", Required = true };
        var subject = new Option<string>("--subject") { Description = "Whom the attestation is for: an EVM address (the borrower a protocol sees as msg.sender) or a field element", Required = true };
        var scope = new Option<string>("--scope")
        {
            Description = "Who checks it: a field element, or CHAINID:0xCONTRACT for a protocol contract (keccak256(abi.encode(chainid, contract)) mod r, what the CollateralAttestations view's scopeOf gives)",
            Required = true,
        };
        var output = new Option<string?>("--out") { Description = "Where to write the attestation (default DIR/attestations/<nullifier>.json)" };
        var keys = new Option<string?>("--keys") { Description = "A directory holding the circuit's keys (default: $AGGREGATOR_KEYS, else those installed with aggregator)" };
        var command = new Command("collateral", "Prove that the account's balances, valued at the prices less the haircuts, reach the threshold; the file holds the public inputs, the proof and the epoch, nothing about the balances. Exit 1 when the account falls short (no proof is made).")
        {
            epoch, account, prices, haircuts, threshold, subject, scope, output, keys,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            context.WarnIfKeysInsecure();
            var directory = parseResult.GetValue(epoch)!;
            var manifest = EpochDirectory.ReadManifest(directory);
            var tree = EpochDirectory.ReadTree(directory);
            var terms = CollateralTerms.Parse(
                tree.Parameters.Assets, SymbolPairs.Parse(parseResult.GetValue(prices)!, "--prices"), SymbolPairs.Parse(parseResult.GetValue(haircuts) ?? "", "--haircuts"),
                parseResult.GetValue(threshold)!, parseResult.GetValue(subject)!, Scope(parseResult.GetValue(scope)!));
            var provingKeys = ProvingKeys.Locate(parseResult.GetValue(keys));
            context.Error.WriteLine($"proving keys: {provingKeys.Describe()}");
            var prover = new NativeProver(provingKeys, VerificationKeys.Locate(parseResult.GetValue(keys)));
            var result = await new CollateralAttestations(prover).AttestAsync(manifest, tree, parseResult.GetValue(account)!, terms, cancellationToken).ConfigureAwait(false);
            if (result.Document is not { } document)
            {
                context.Error.WriteLine(result.Shortfall);
                context.Error.WriteLine("no attestation made");
                return ExitCodes.CheckFailed;
            }
            var path = parseResult.GetValue(output) ?? Path.Combine(directory, "attestations", $"{document["nullifier"]!.GetValue<string>()}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            EpochDirectory.WriteDocument(path, document);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"attestation of collateral worth at least {parseResult.GetValue(threshold)} for subject {ProofChecks.SubjectText(terms.Subject)}, scope {terms.Scope}, nullifier {document["nullifier"]} written to {path}"));
            return ExitCodes.Success;
        });
        return command;
    }

    // A field element, or CHAINID:0xCONTRACT reduced as the view does.
    private static Fr Scope(string text)
    {
        var parts = text.Split(':', 2);
        if (parts.Length == 1)
        {
            return CollateralTerms.ParseScope(text);
        }
        if (!ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var chainId))
        {
            throw new InputException($"'{parts[0]}' is not a chain id", field: "--scope");
        }
        try
        {
            return Fr.Parse(CollateralAttestationsClient.ScopeOf(chainId, parts[1]).ToString(CultureInfo.InvariantCulture));
        }
        catch (FormatException error)
        {
            throw new InputException(error.Message, field: "--scope");
        }
    }
}
