using System.Globalization;
using System.Numerics;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Core.Errors;
using Nethereum.Web3;

namespace Aggregator.Prover;

/// <summary>
/// Proof-of-Reserve feeds for a publisher's assets (`aggregator feed deploy`, the demo): each bound to the
/// asset layout of a published manifest (its paramsHash, the asset's position and proof decimals), which
/// only the manifest names: the registry stores the paramsHash, a hash.
/// </summary>
public static class ReserveFeeds
{
    /// <summary>The feed's binding for <paramref name="asset"/>, checked against the manifest and the registry before anything is sent.</summary>
    /// <exception cref="InputException">A manifest that does not recompute, another publisher's, an asset it does not commit, decimals out of range, or a layout the registry holds no publication of.</exception>
    public static async Task<ReserveFeedClient.Binding> BindingAsync(
        string manifestPath, IWeb3 web3, string registry, string publisher, string asset, int decimals, FeedMeasure measure = FeedMeasure.Reserves)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var manifest = EpochDirectory.ReadManifestFile(manifestPath);
        manifest.Binding();
        if (!Chains.Evm.EvmAddress.IsValid(registry))
        {
            throw new InputException($"'{registry}' is not an EVM address", field: "--registry");
        }
        if (!string.Equals(manifest.Publisher, publisher, StringComparison.OrdinalIgnoreCase))
        {
            throw new InputException($"the manifest is publisher {manifest.Publisher}'s, not {publisher}'s", file: manifestPath, field: "--publisher");
        }
        var index = manifest.Assets.ToList().FindIndex(a => a.Symbol == asset);
        if (index < 0)
        {
            throw new InputException($"the manifest commits {string.Join(", ", manifest.Assets.Select(a => a.Symbol))}, not '{asset}'", file: manifestPath, field: "--asset");
        }
        if (decimals is < 0 or > 36 || (measure == FeedMeasure.Coverage && decimals != ReserveFeedClient.CoverageDecimals))
        {
            throw new InputException($"a feed's decimals are 0 to 36, and a coverage feed's {ReserveFeedClient.CoverageDecimals} (basis points)", field: "--decimals");
        }
        var paramsHash = BigInteger.Parse(manifest.ParamsHash, CultureInfo.InvariantCulture);
        var client = new SolvencyRegistryClient(web3, registry, web3.TransactionManager.Account.Address);
        if (await client.CommitmentOfAsync(manifest.Publisher, manifest.Epoch).ConfigureAwait(false) is not { } stored || stored.ParamsHash != paramsHash)
        {
            throw new InputException($"the registry {registry} holds no publication of epoch {manifest.Epoch} with this manifest's parameters: deploy a feed for a layout that is published", file: manifestPath);
        }
        return new ReserveFeedClient.Binding(registry, manifest.Publisher, paramsHash, index, manifest.Assets[index].ProofDecimals, decimals,
            measure == FeedMeasure.Coverage ? $"{asset} proven coverage ratio of {manifest.Publisher}" : $"{asset} proven reserves of {manifest.Publisher}", measure);
    }

    /// <summary>Deploys the feed of <paramref name="asset"/> (<see cref="BindingAsync"/>); returns its address.</summary>
    public static async Task<string> DeployAsync(
        string manifestPath, IWeb3 web3, string registry, string publisher, string asset, int decimals, FeedMeasure measure = FeedMeasure.Reserves,
        CancellationToken cancellationToken = default)
    {
        var binding = await BindingAsync(manifestPath, web3, registry, publisher, asset, decimals, measure).ConfigureAwait(false);
        return await ReserveFeedClient.DeployAsync(web3, binding, cancellationToken).ConfigureAwait(false);
    }
}
