using System.Runtime.CompilerServices;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Field.Lanes;
using Aggregator.Crypto.Prover.Lanes;

namespace Aggregator.Crypto.Prover;

/// <summary>
/// Initializes the lane classes when the assembly loads, before any of their methods compile, for the
/// reason Aggregator.Crypto's FieldInitializer gives: the optimizing JIT folds static readonly fields
/// into constants only in classes already initialized.
/// </summary>
internal static class LaneInitializer
{
#pragma warning disable CA2255 // a library's module initializer is the point here: it must run before the first product compiles
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeLanes()
    {
        if (!LaneMontgomery<FqModulus>.IsSupported) // Aggregator.Crypto initializes the field lanes themselves
        {
            return; // the lane classes are never used, and their constants need AVX2 to compute
        }
        RuntimeHelpers.RunClassConstructor(typeof(FqLanes).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(Fq2Lanes).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(AffineAdditionLanes<FqLanes, Fq>).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(AffineAdditionLanes<Fq2Lanes, Fq2>).TypeHandle);
    }
}
