using System.CommandLine;
using Aggregator.Chains.Evm;
using Aggregator.Core.Errors;

namespace Aggregator.Cli.Commands;

/// <summary>The options every registry verb takes, and the one check of an address given on the command line.</summary>
internal static class RegistryOptions
{
    public static Option<string> Rpc() => new("--rpc") { Description = "JSON-RPC URL of the registry's chain (never printed: it may carry credentials)", Required = true };

    public static Option<string> Registry() => new("--registry") { Description = "Address of the SolvencyRegistry", Required = true };

    /// <exception cref="InputException">Not 0x and 20 bytes of hex (or a wrong EIP-55 checksum).</exception>
    public static string Address(string text, string option) =>
        EvmAddress.IsValid(text) ? text : throw new InputException($"'{text}' is not an EVM address (0x and 20 bytes of hex)", field: option);
}
