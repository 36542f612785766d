using System.CommandLine;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Prover;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator feed deploy</c>: a Proof-of-Reserve feed (Chainlink's AggregatorV3Interface) over a publisher's proven reserves of one asset.</summary>
internal static class FeedCommand
{
    public static Command Create(CliContext context)
    {
        var rpc = new Option<string>("--rpc") { Description = "JSON-RPC URL of the chain holding the registry (never printed: it may carry credentials)", Required = true };
        var registry = new Option<string>("--registry") { Description = "Address of the SolvencyRegistry", Required = true };
        var publisher = new Option<string>("--publisher") { Description = "The publisher whose reserves the feed reports", Required = true };
        var asset = new Option<string>("--asset") { Description = "The asset's symbol, as the manifest commits it", Required = true };
        var decimals = new Option<int?>("--decimals") { Description = "The feed's decimals (a token's own, for a check against its totalSupply); a coverage feed's are 4" };
        var coverage = new Option<bool>("--coverage")
        {
            Description = "Report the coverage ratio proven for the asset (basis points, 4 decimals: 10500 is 1.05) instead of its reserves; constant while the publisher keeps its ratio",
        };
        var keyFile = new Option<string>("--key-file") { Description = "File holding the deploying account's private key (hex)", Required = true };
        var manifest = new Option<string>("--manifest")
        {
            Description = "A published manifest.json of the layout the feed reports (the asset's position and proof decimals are only there; the registry stores their hash)",
            Required = true,
        };
        var deploy = new Command("deploy", "Deploy a feed that reports the publisher's latest proven reserves of the asset with this manifest's layout (answer scaled to --decimals, rounded down; updatedAt the publication's block time); prints its address.")
        {
            rpc, registry, publisher, asset, decimals, coverage, keyFile, manifest,
        };
        deploy.SetAction(async (parseResult, cancellationToken) =>
        {
            var web3 = await PublisherKey.ConnectAsync(parseResult.GetValue(rpc)!, parseResult.GetValue(keyFile)!, "--rpc", cancellationToken).ConfigureAwait(false);
            var measure = parseResult.GetValue(coverage) ? FeedMeasure.Coverage : FeedMeasure.Reserves;
            var feedDecimals = parseResult.GetValue(decimals) ?? (measure == FeedMeasure.Coverage ? ReserveFeedClient.CoverageDecimals
                : throw new Core.Errors.InputException("--decimals is required for a reserves feed", field: "--decimals"));
            var address = await ReserveFeeds.DeployAsync(parseResult.GetValue(manifest)!, web3, parseResult.GetValue(registry)!, parseResult.GetValue(publisher)!,
                parseResult.GetValue(asset)!, feedDecimals, measure, cancellationToken).ConfigureAwait(false);
            context.Output.WriteLine(address);
            return ExitCodes.Success;
        });
        return new Command("feed", "Proof-of-Reserve feeds on chain (AggregatorV3Interface), read by lending protocols' reserve checks.") { deploy };
    }
}
