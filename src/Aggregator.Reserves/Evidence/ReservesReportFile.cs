using System.Text.Json;
using Aggregator.Core.Errors;

namespace Aggregator.Reserves.Evidence;

/// <summary>RESERVES.json as text, and read back from a file with every bad value named by its JSON path.</summary>
public static class ReservesReportFile
{
    public static string Serialize(ReservesReport report) => JsonSerializer.Serialize(report, ReservesJsonContext.Default.ReservesReport) + "\n";

    /// <exception cref="InputException">Missing file, or not a reserves report of the current format.</exception>
    public static ReservesReport Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the reserves file does not exist", file: path);
        }
        var report = JsonInput.Deserialize(File.ReadAllText(path), ReservesJsonContext.Default.ReservesReport, path);
        return report.Format == ReservesReport.CurrentFormat
            ? report
            : throw new InputException($"not a reserves file of format {ReservesReport.CurrentFormat}", file: path, field: "$.format");
    }
}
