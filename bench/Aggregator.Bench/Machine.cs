using System.Runtime.InteropServices;

namespace Aggregator.Bench;

/// <summary>One line describing the machine a benchmark ran on.</summary>
internal static class Machine
{
    public static string Describe() =>
        $"{RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}, {CpuModel()}";

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        return File.Exists(cpuinfo)
            ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
    }
}
