using System.Globalization;
using Aggregator.Core.Chains;

namespace Aggregator.Core.Ownership;

/// <summary>
/// The canonical text an institution signs to prove it controls an address, naming the institution,
/// the chain, the address and the epoch, one per line:
/// <code>
/// Aggregator proof of reserves ownership
/// institution: Example Custody Ltd
/// chain: eip155:1
/// address: 0x...
/// epoch: 42
/// </code>
/// A signature over it proves nothing for another institution, chain, address or epoch. An EVM address is
/// written in lowercase hex: the one form the SolvencyRegistry rebuilds on chain to check a double claim
/// (a message with a checksummed address is not canonical). A custody statement (<see cref="Custody"/>)
/// has the same lines under <see cref="CustodyTitle"/>: a custodian, not the address's key, signs that it
/// holds the address for the institution (docs/proofs.md, "Evidence tags").
/// </summary>
public sealed record OwnershipMessage(string Institution, ChainId Chain, string Address, ulong Epoch, bool Custody = false)
{
    /// <summary>The first line of every ownership message.</summary>
    public const string Title = "Aggregator proof of reserves ownership";

    /// <summary>The first line of every custody statement.</summary>
    public const string CustodyTitle = "Aggregator proof of reserves custody";

    /// <summary>The exact text that is signed (UTF-8, lines joined by "\n", no trailing newline).</summary>
    public string Text => string.Join('\n',
        Custody ? CustodyTitle : Title,
        $"institution: {Institution}",
        $"chain: {Chain}",
        $"address: {(Chain.Family == ChainFamily.Evm ? Address.ToLowerInvariant() : Address)}",
        string.Create(CultureInfo.InvariantCulture, $"epoch: {Epoch}"));

    /// <summary>Reads a signed text back; null when it is not in the canonical form.</summary>
    public static OwnershipMessage? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        if (lines.Length != 5 || lines[0] is not (Title or CustodyTitle))
        {
            return null;
        }
        string? Field(int index, string name) =>
            lines[index].StartsWith(name + ": ", StringComparison.Ordinal) ? lines[index][(name.Length + 2)..] : null;
        var institution = Field(1, "institution");
        var chain = Field(2, "chain");
        var address = Field(3, "address");
        var epoch = Field(4, "epoch");
        if (string.IsNullOrWhiteSpace(institution) || chain is null || string.IsNullOrEmpty(address)
            || !ulong.TryParse(epoch, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }
        try
        {
            var message = new OwnershipMessage(institution, ChainId.Parse(chain), address, number, lines[0] == CustodyTitle);
            return message.Text == text ? message : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
