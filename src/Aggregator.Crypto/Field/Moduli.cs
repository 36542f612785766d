namespace Aggregator.Crypto.Field;

/// <summary>r, the BN254 scalar field: the field of circuits, Poseidon and the commitment.</summary>
internal readonly struct FrModulus : IModulus
{
    public static ulong Q0 => 0x43e1f593f0000001;
    public static ulong Q1 => 0x2833e84879b97091;
    public static ulong Q2 => 0xb85045b68181585d;
    public static ulong Q3 => 0x30644e72e131a029;
    public static ulong QInvNeg => 0xc2e1f593efffffff;
    public static Limbs R2 => new(0x1bb8e645ae216da7, 0x53fe3ab1e35c59e3, 0x8c49833d53bb8085, 0x0216d0b17f4e44a5);
}

/// <summary>p, the BN254 base field: the coordinates of curve points.</summary>
internal readonly struct FqModulus : IModulus
{
    public static ulong Q0 => 0x3c208c16d87cfd47;
    public static ulong Q1 => 0x97816a916871ca8d;
    public static ulong Q2 => 0xb85045b68181585d;
    public static ulong Q3 => 0x30644e72e131a029;
    public static ulong QInvNeg => 0x87d20782e4866389;
    public static Limbs R2 => new(0xf32cfc5b538afa89, 0xb5e71911d44501fb, 0x47ab1eff0a417ff6, 0x06d89f71cab8351f);
}
