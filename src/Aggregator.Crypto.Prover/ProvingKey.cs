using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Groth16;

namespace Aggregator.Crypto.Prover;

/// <summary>
/// A snarkjs Groth16 proving key (.zkey, binary file version 1) over BN254, read whole from its bytes
/// (docs/proofs.md describes the layout). Points are stored affine in Montgomery form, little-endian,
/// (0, 0) for the point at infinity; the QAP coefficients are stored as c·R² mod r, so that one Montgomery
/// product with a canonical witness value gives c·w in Montgomery form.
/// </summary>
public sealed class ProvingKey
{
    private const uint Groth16Protocol = 1;

    /// <summary>Number of witness values (signal 0 is the constant 1).</summary>
    public int VariableCount { get; }

    /// <summary>Number of public signals (witness values 1..n).</summary>
    public int PublicCount { get; }

    /// <summary>The evaluation domain's size, a power of two above the constraint count.</summary>
    public int DomainSize { get; }

    internal AffinePoint<Fq> Alpha1 { get; }
    internal AffinePoint<Fq> Beta1 { get; }
    internal AffinePoint<Fq2> Beta2 { get; }
    internal AffinePoint<Fq2> Gamma2 { get; }
    internal AffinePoint<Fq> Delta1 { get; }
    internal AffinePoint<Fq2> Delta2 { get; }
    internal AffinePoint<Fq>[] IC { get; }
    internal QapCoefficient[] Coefficients { get; }
    // The large sections are used where the key's bytes lie (SectionMemory), checked point by point first.
    internal ReadOnlyMemory<AffinePoint<Fq>> A { get; }
    internal ReadOnlyMemory<AffinePoint<Fq>> B1 { get; }
    internal ReadOnlyMemory<AffinePoint<Fq2>> B2 { get; }
    /// <summary>For the private witness values only (index 0 is witness nPublic + 1).</summary>
    internal ReadOnlyMemory<AffinePoint<Fq>> C { get; }
    internal ReadOnlyMemory<AffinePoint<Fq>> H { get; }

    /// <summary>One non-zero entry of the A or B matrix: row <see cref="Constraint"/>, column <see cref="Signal"/>.</summary>
    internal readonly record struct QapCoefficient(int Matrix, int Constraint, int Signal, Fr Value);

    private ProvingKey(Reader reader)
    {
        var sections = reader.Sections();
        var header = reader.Section(sections, 1, "header");
        if (header.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(header) != Groth16Protocol)
        {
            throw reader.Error("it is not a Groth16 proving key (protocol in section 1)");
        }
        var groth = new Cursor(reader, reader.Section(sections, 2, "Groth16 header"), "Groth16 header");
        groth.ExpectPrime(Fq.Modulus, "the base field q");
        groth.ExpectPrime(Fr.Modulus, "the scalar field r");
        VariableCount = groth.Count("nVars");
        PublicCount = groth.Count("nPublic");
        DomainSize = groth.Count("domainSize");
        if (PublicCount >= VariableCount || DomainSize == 0 || (DomainSize & (DomainSize - 1)) != 0 || DomainSize > 1 << (FrDomain.TwoAdicity - 1))
        {
            throw reader.Error($"the Groth16 header is inconsistent (nVars {VariableCount}, nPublic {PublicCount}, domainSize {DomainSize})");
        }
        Alpha1 = groth.G1("vk_alpha_1");
        Beta1 = groth.G1("vk_beta_1");
        Beta2 = groth.G2("vk_beta_2");
        Gamma2 = groth.G2("vk_gamma_2");
        Delta1 = groth.G1("vk_delta_1");
        Delta2 = groth.G2("vk_delta_2");

        IC = PointSection<Fq>(reader, sections, 3, "IC", PublicCount + 1);
        // The large sections are independent: read on every core. A fault is reported for the first
        // faulty section in file order, as a reading in order would.
        QapCoefficient[] coefficients = [];
        ReadOnlyMemory<AffinePoint<Fq>> a = default, b1 = default, c = default, h = default;
        ReadOnlyMemory<AffinePoint<Fq2>> b2 = default;
        var faults = new ProofFormatException?[6];
        Parallel.For(0, faults.Length, section =>
        {
            try
            {
                switch (section)
                {
                    case 0: coefficients = ReadCoefficients(reader, reader.Section(sections, 4, "coefficients")); break;
                    case 1: a = CheckedSection<Fq>(reader, sections, 5, "A", VariableCount); break;
                    case 2: b1 = CheckedSection<Fq>(reader, sections, 6, "B1", VariableCount); break;
                    case 3: b2 = CheckedSection<Fq2>(reader, sections, 7, "B2", VariableCount); break;
                    case 4: c = CheckedSection<Fq>(reader, sections, 8, "C", VariableCount - PublicCount - 1); break;
                    default: h = CheckedSection<Fq>(reader, sections, 9, "H", DomainSize); break;
                }
            }
            catch (ProofFormatException fault)
            {
                faults[section] = fault;
            }
        });
        if (Array.Find(faults, f => f is not null) is { } first)
        {
            throw first;
        }
        (Coefficients, A, B1, B2, C, H) = (coefficients, a, b1, b2, c, h);
    }

    /// <summary>
    /// Reads a .zkey file's bytes, and keeps them: the key's large sections are used where they lie, so
    /// <paramref name="bytes"/> must stay as they are while the key is used (a mapped key file is replaced
    /// by a rename, never rewritten in place).
    /// </summary>
    /// <param name="name">Names the key in errors (e.g. its file name).</param>
    /// <exception cref="ProofFormatException">Not a Groth16 BN254 zkey, truncated, or holding an invalid point.</exception>
    public static ProvingKey Read(ReadOnlyMemory<byte> bytes, string name) => new(new Reader(bytes, name));

    /// <summary>
    /// Checks that this key's verification part (α, β, γ, δ and IC) is <paramref name="key"/>: a proving
    /// key for another circuit or another setup fails here.
    /// </summary>
    /// <exception cref="ProofFormatException">A point differs, named.</exception>
    public void CheckMatches(VerifyingKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        void Same<T>(AffinePoint<T> ours, AffinePoint<T> theirs, string name) where T : struct, IFieldElement<T>
        {
            if (ours != theirs)
            {
                throw new ProofFormatException($"the proving key's {name} differs from the verification key's: they are not from the same circuit and setup");
            }
        }
        Same(Alpha1, key.Alpha, "vk_alpha_1");
        Same(Beta2, key.Beta, "vk_beta_2");
        Same(Gamma2, key.Gamma, "vk_gamma_2");
        Same(Delta2, key.Delta, "vk_delta_2");
        if (key.IC.Length != IC.Length)
        {
            throw new ProofFormatException($"the proving key has {IC.Length - 1} public signals, the verification key another number: they are not from the same circuit");
        }
        for (var i = 0; i < IC.Length; i++)
        {
            Same(IC[i], key.IC[i], $"IC[{i}]");
        }
    }

    // A large section of points, every point checked as PointSection reads it, then used where it lies:
    // an AffinePoint is its coordinates' Montgomery forms, little-endian, (0, 0) at infinity, as in the file.
    private static ReadOnlyMemory<AffinePoint<T>> CheckedSection<T>(Reader reader, Dictionary<int, (int Offset, int Length)> sections, int id, string what, int count)
        where T : struct, IFieldElement<T>
    {
        var g2 = typeof(T) == typeof(Fq2);
        var cursor = new Cursor(reader, reader.Section(sections, id, what), what);
        cursor.ExpectLength(count * (g2 ? 128L : 64L));
        for (var i = 0; i < count; i++)
        {
            // Each point checked as it is read: coordinates below p, on its curve or (0, 0).
            if (g2)
            {
                cursor.G2(what);
            }
            else
            {
                cursor.G1(what);
            }
        }
        return BitConverter.IsLittleEndian && Unsafe.SizeOf<AffinePoint<T>>() == (g2 ? 128 : 64)
            ? new SectionMemory<AffinePoint<T>>(reader.SectionMemory(sections, id)).Memory
            : PointSection<T>(reader, sections, id, what, count); // a layout of another machine: copied
    }

    // A section of points, G1 (64 bytes each) or G2 (128): T is Fq or Fq2, so each branch is the type it reads.
    private static AffinePoint<T>[] PointSection<T>(Reader reader, Dictionary<int, (int Offset, int Length)> sections, int id, string what, int count)
        where T : struct, IFieldElement<T>
    {
        var g2 = typeof(T) == typeof(Fq2);
        var cursor = new Cursor(reader, reader.Section(sections, id, what), what);
        cursor.ExpectLength(count * (g2 ? 128L : 64L));
        var points = GC.AllocateUninitializedArray<AffinePoint<T>>(count); // every element is written below
        for (var i = 0; i < count; i++)
        {
            if (g2)
            {
                var point = cursor.G2(what);
                points[i] = Unsafe.As<AffinePoint<Fq2>, AffinePoint<T>>(ref point);
            }
            else
            {
                var point = cursor.G1(what);
                points[i] = Unsafe.As<AffinePoint<Fq>, AffinePoint<T>>(ref point);
            }
        }
        return points;
    }

    private QapCoefficient[] ReadCoefficients(Reader reader, ReadOnlySpan<byte> section)
    {
        var cursor = new Cursor(reader, section, "coefficients");
        var count = cursor.Count("coefficient count");
        cursor.ExpectLength(4 + count * 44L);
        var coefficients = GC.AllocateUninitializedArray<QapCoefficient>(count); // every element is written below
        for (var i = 0; i < count; i++)
        {
            var matrix = cursor.Count("matrix");
            var constraint = cursor.Count("constraint");
            var signal = cursor.Count("signal");
            var stored = cursor.Limbs();
            if (matrix > 1 || constraint >= DomainSize || signal >= VariableCount || !Montgomery<FrModulus>.IsCanonical(stored))
            {
                throw reader.Error($"coefficient {i} is out of range (matrix {matrix}, constraint {constraint}, signal {signal})");
            }
            // Stored c·R² mod r, read as a Montgomery form it is c·R: one more division by R gives c's Montgomery form.
            coefficients[i] = new QapCoefficient(matrix, constraint, signal, Fr.FromMontgomery(Montgomery<FrModulus>.FromMontgomery(stored)));
        }
        return coefficients;
    }

    /// <summary>The file's bytes and its name for errors.</summary>
    private sealed class Reader(ReadOnlyMemory<byte> file, string name)
    {
        public ProofFormatException Error(string reason) => new($"proving key {name}: {reason}");

        public Dictionary<int, (int Offset, int Length)> Sections()
        {
            var bytes = file.Span;
            if (bytes.Length < 12 || !bytes[..4].SequenceEqual("zkey"u8))
            {
                throw Error("it is not a .zkey file (no 'zkey' magic)");
            }
            var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
            if (version != 1)
            {
                throw Error($"file version {version} is not supported (1 is)");
            }
            var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
            var sections = new Dictionary<int, (int, int)>();
            long position = 12;
            for (var i = 0; i < count; i++)
            {
                if (position + 12 > bytes.Length)
                {
                    throw Error($"truncated: section header {i + 1} of {count} is past the end ({bytes.Length} bytes)");
                }
                var type = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(int)position..]);
                var length = BinaryPrimitives.ReadUInt64LittleEndian(bytes[((int)position + 4)..]);
                position += 12;
                if (length > (ulong)(bytes.Length - position))
                {
                    throw Error($"truncated: section {type} needs {length} bytes, {bytes.Length - position} are left");
                }
                if (!sections.TryAdd((int)type, ((int)position, (int)length)))
                {
                    throw Error($"section {type} appears twice");
                }
                position += (long)length;
            }
            return sections;
        }

        public ReadOnlyMemory<byte> SectionMemory(Dictionary<int, (int Offset, int Length)> sections, int id) =>
            file.Slice(sections[id].Offset, sections[id].Length);

        public ReadOnlySpan<byte> Section(Dictionary<int, (int Offset, int Length)> sections, int id, string what) =>
            sections.TryGetValue(id, out var section)
                ? file.Span.Slice(section.Offset, section.Length)
                : throw Error($"section {id} ({what}) is missing");
    }

    /// <summary>Reads values one after another from a section.</summary>
    private ref struct Cursor(Reader reader, ReadOnlySpan<byte> section, string what)
    {
        private readonly ReadOnlySpan<byte> _section = section;
        private int _position;

        public readonly void ExpectLength(long length)
        {
            if (_section.Length != length)
            {
                throw reader.Error($"section {what} has {_section.Length} bytes where {length} are expected");
            }
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (_position + count > _section.Length)
            {
                throw reader.Error($"section {what} ends early");
            }
            var taken = _section.Slice(_position, count);
            _position += count;
            return taken;
        }

        public int Count(string field)
        {
            var value = BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
            return value <= int.MaxValue ? (int)value : throw reader.Error($"{field} {value} is too large");
        }

        public Limbs Limbs()
        {
            var bytes = Take(32);
            return new Limbs(
                BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]), BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));
        }

        public void ExpectPrime(System.Numerics.BigInteger prime, string field)
        {
            if (Count("field size") != 32 || Limbs().ToBigInteger() != prime)
            {
                throw reader.Error($"{field} is not BN254's: the key is for another curve");
            }
        }

        private Fq Coordinate(string point)
        {
            var limbs = Limbs();
            return Fq.IsReduced(limbs) ? Fq.FromMontgomery(limbs) : throw reader.Error($"a coordinate of {point} is not below p");
        }

        public AffinePoint<Fq> G1(string point)
        {
            var x = Coordinate(point);
            var y = Coordinate(point);
            if (x.IsZero && y.IsZero)
            {
                return AffinePoint<Fq>.Infinity;
            }
            var p = AffinePoint<Fq>.At(x, y);
            return p.IsOnCurve(Curve.B) ? p : throw reader.Error($"a point of {point} is not on the curve");
        }

        public AffinePoint<Fq2> G2(string point)
        {
            var x = new Fq2(Coordinate(point), Coordinate(point));
            var y = new Fq2(Coordinate(point), Coordinate(point));
            if (x.IsZero && y.IsZero)
            {
                return AffinePoint<Fq2>.Infinity;
            }
            var p = AffinePoint<Fq2>.At(x, y);
            return p.IsOnCurve(Curve.TwistB) ? p : throw reader.Error($"a point of {point} is not on the twist");
        }
    }
}
