using Aggregator.Core.Files;

namespace Aggregator.Api.Verifier;

/// <summary>
/// The account owner's verifier page (verifier-page/, built into one self-contained HTML file): served at
/// /verify and written by `aggregator verifier-page`. It runs the checks of `aggregator verify` in the
/// browser against the verification keys pinned into it, and works from file:// with no network.
/// </summary>
public static class VerifierPage
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(VerifierPage).Assembly.GetManifestResourceStream("verify.html")
            ?? throw new InvalidOperationException("the embedded verifier page is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The page's HTML.</summary>
    public static string Html => Page.Value;

    /// <summary>Writes the page to <paramref name="path"/>, whole or not at all.</summary>
    public static void Write(string path) => SafeFile.WriteAtomically(path, Html);
}
