using System.Buffers.Binary;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Poseidon;

/// <summary>
/// circomlib's optimized Poseidon parameters for one state width t (inputs + 1): round constants C,
/// the MDS matrix M, the pre-sparse matrix P and the sparse matrices S of the partial rounds.
/// Loaded from the embedded resource written by circuits/scripts/gen-poseidon-constants.mjs.
/// </summary>
internal sealed class PoseidonParameters
{
    public const int FullRounds = 8;
    public const int MinWidth = 2;
    public const int MaxWidth = 17;

    private static readonly Lazy<PoseidonParameters[]> All = new(Load);

    private PoseidonParameters(int width, int partialRounds, Fr[] c, Fr[] m, Fr[] p, Fr[] s)
    {
        Width = width;
        PartialRounds = partialRounds;
        C = c;
        M = m;
        P = p;
        S = s;
    }

    public int Width { get; }
    public int PartialRounds { get; }
    /// <summary>Round constants, t·8 + partialRounds of them.</summary>
    public Fr[] C { get; }
    /// <summary>MDS matrix, M[j][i] at j·t + i.</summary>
    public Fr[] M { get; }
    /// <summary>Matrix applied before the partial rounds, P[j][i] at j·t + i.</summary>
    public Fr[] P { get; }
    /// <summary>Sparse partial-round matrices, 2t - 1 per round.</summary>
    public Fr[] S { get; }

    /// <summary>The parameters for state width <paramref name="width"/> (2..17).</summary>
    public static PoseidonParameters ForWidth(int width)
    {
        if (width is < MinWidth or > MaxWidth)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"Poseidon widths are {MinWidth}..{MaxWidth} (1..16 inputs)");
        }
        return All.Value[width - MinWidth];
    }

    private static PoseidonParameters[] Load()
    {
        using var stream = typeof(PoseidonParameters).Assembly.GetManifestResourceStream("poseidon-constants.bin")
            ?? throw new InvalidOperationException("the embedded resource poseidon-constants.bin is missing");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        ReadOnlySpan<byte> data = memory.GetBuffer().AsSpan(0, (int)memory.Length);
        if (!data[..8].SequenceEqual("POSEIDON"u8) || ReadUInt32(ref data, 8) != 1)
        {
            throw new InvalidDataException("poseidon-constants.bin has an unknown header");
        }
        var count = ReadUInt32(ref data, 0);
        var result = new PoseidonParameters[count];
        for (var index = 0; index < count; index++)
        {
            var t = ReadUInt32(ref data, 0);
            var partialRounds = ReadUInt32(ref data, 0);
            var cCount = ReadUInt32(ref data, 0);
            var sCount = ReadUInt32(ref data, 0);
            if (t != index + MinWidth)
            {
                throw new InvalidDataException($"poseidon-constants.bin: width {t} where {index + MinWidth} was expected");
            }
            var c = ReadElements(ref data, cCount);
            var m = ReadElements(ref data, t * t);
            var p = ReadElements(ref data, t * t);
            var s = ReadElements(ref data, sCount);
            result[index] = new PoseidonParameters(t, partialRounds, c, m, p, s);
        }
        return result;
    }

    private static int ReadUInt32(ref ReadOnlySpan<byte> data, int skip)
    {
        data = data[skip..];
        var value = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
        data = data[4..];
        return value;
    }

    private static Fr[] ReadElements(ref ReadOnlySpan<byte> data, int count)
    {
        var elements = new Fr[count];
        for (var i = 0; i < count; i++)
        {
            elements[i] = Fr.FromCanonicalLittleEndian(data[..32]);
            data = data[32..];
        }
        return elements;
    }
}
