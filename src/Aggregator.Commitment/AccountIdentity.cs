using System.Security.Cryptography;
using System.Text;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Poseidon;

namespace Aggregator.Commitment;

/// <summary>How an account id becomes the field elements of its leaf (docs/commitment.md, "Identity").</summary>
public static class AccountIdentity
{
    /// <summary>accountField: the first 31 bytes of SHA-256(UTF-8 account id), read big-endian.</summary>
    public static Fr AccountField(string accountId)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        Span<byte> digest = stackalloc byte[32];
        var byteCount = Encoding.UTF8.GetByteCount(accountId);
        var utf8 = byteCount <= 256 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(accountId, utf8);
        SHA256.HashData(utf8, digest);
        return Fr.FromBigEndian(digest[..31]);
    }

    /// <summary>salt = Poseidon(secret, accountField): handed only to the account itself.</summary>
    public static Fr Salt(in Fr secret, in Fr accountField) => PoseidonHash.Hash(secret, accountField);

    /// <summary>idHash = Poseidon(accountField, salt): the leaf's identity, and its sort key.</summary>
    public static Fr IdHash(in Fr accountField, in Fr salt) => PoseidonHash.Hash(accountField, salt);

    /// <summary>leafHash = Poseidon(idHash, b[0], ..., b[K-1]).</summary>
    public static Fr LeafHash(in Fr idHash, ReadOnlySpan<ulong> balances)
    {
        Span<Fr> inputs = stackalloc Fr[PoseidonHash.MaxInputs];
        inputs = inputs[..(balances.Length + 1)];
        WriteLeafInputs(idHash, balances, inputs);
        return PoseidonHash.Hash(inputs);
    }

    /// <summary>The K + 1 inputs of a leaf's hash: idHash, then the balances.</summary>
    internal static void WriteLeafInputs(in Fr idHash, ReadOnlySpan<ulong> balances, Span<Fr> inputs)
    {
        inputs[0] = idHash;
        for (var k = 0; k < balances.Length; k++)
        {
            inputs[k + 1] = Fr.FromUInt64(balances[k]);
        }
    }
}
