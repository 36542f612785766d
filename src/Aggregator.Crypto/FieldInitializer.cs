using System.Runtime.CompilerServices;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Field.Lanes;

namespace Aggregator.Crypto;

/// <summary>
/// Initializes the field classes when the assembly loads, before any of their methods compile. The
/// optimizing JIT folds static readonly fields into constants only in classes already initialized;
/// the hot products are compiled optimized at their first call (AggressiveOptimization), which can
/// come before their class's initialization, and would then check and load every constant at every
/// product for the life of the process.
/// </summary>
internal static class FieldInitializer
{
#pragma warning disable CA2255 // a library's module initializer is the point here: it must run before the first product compiles
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeFields()
    {
        RuntimeHelpers.RunClassConstructor(typeof(Montgomery<FqModulus>).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(Montgomery<FrModulus>).TypeHandle);
        if (LaneMontgomery<FqModulus>.IsSupported) // the lanes' constants need AVX2 to compute
        {
            RuntimeHelpers.RunClassConstructor(typeof(LaneMontgomery<FqModulus>).TypeHandle);
            RuntimeHelpers.RunClassConstructor(typeof(LaneMontgomery<FrModulus>).TypeHandle);
        }
    }
}
