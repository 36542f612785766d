using System.Numerics;

namespace Aggregator.Chains.Solana.Rpc;

/// <summary>A token account as getTokenAccountsByOwner (jsonParsed) describes it; the amount from tokenAmount.amount, never uiAmount.</summary>
internal sealed record TokenAccount(string Address, string Mint, string Owner, BigInteger Amount, int Decimals, string Program);
