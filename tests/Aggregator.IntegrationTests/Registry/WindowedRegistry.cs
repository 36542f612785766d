using Aggregator.Chains.Evm.Registry;
using Aggregator.IntegrationTests.Evm;

namespace Aggregator.IntegrationTests.Registry;

/// <summary>
/// A new SolvencyRegistry on the test node, owned by development account 0, with the given accounts
/// authorized and their windows announced: <see cref="Window"/> seconds, the first one starting a window
/// from the chain's now. The first epoch is <see cref="FirstEnd"/>; the chain reaches it with
/// <see cref="AnvilNode.MinePastAsync"/>.
/// </summary>
internal sealed record WindowedRegistry(string Address, ulong FirstEnd)
{
    public const ulong Window = 60;

    public const int Samples = 4;

    public const string Institution = "Example Custody Ltd";

    public static async Task<WindowedRegistry> DeployAsync(AnvilNode node, ulong publicationDelay = 3_600, params int[] publishers)
    {
        ArgumentNullException.ThrowIfNull(node);
        var owner = node.Web3For(0);
        var address = await RegistryDeployment.DeployAsync(owner, Testing.RepositoryPaths.Combine("contracts", "artifacts"), publicationDelay);
        var registry = new SolvencyRegistryClient(owner, address, owner.TransactionManager.Account.Address);
        var firstEnd = ((await node.ChainTimeAsync() / Window) + 3) * Window;
        foreach (var account in publishers.Length == 0 ? [0] : publishers)
        {
            var web3 = node.Web3For(account);
            await registry.SetPublisherAsync(web3.TransactionManager.Account.Address, true);
            await new SolvencyRegistryClient(web3, address, web3.TransactionManager.Account.Address).AnnounceAsync(Institution, Window, firstEnd, Samples);
        }
        return new WindowedRegistry(address, firstEnd);
    }

    /// <summary>A client of this registry sending as development account <paramref name="account"/>.</summary>
    public SolvencyRegistryClient As(AnvilNode node, int account)
    {
        ArgumentNullException.ThrowIfNull(node);
        var web3 = node.Web3For(account);
        return new SolvencyRegistryClient(web3, Address, web3.TransactionManager.Account.Address);
    }
}
