using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Aggregator.Crypto.Field.Lanes;

/// <summary>
/// Four field elements side by side, one per 64-bit lane of an AVX2 register, as nine 29-bit limbs:
/// register j holds limb j of all four (see <see cref="LaneMontgomery{TModulus}"/>).
/// </summary>
[InlineArray(9)]
internal struct FieldLanes
{
    private Vector256<ulong> _limb;
}
