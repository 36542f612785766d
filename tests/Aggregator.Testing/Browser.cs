using Microsoft.Playwright;
using Xunit;

namespace Aggregator.Testing;

/// <summary>
/// Debian's chromium under Playwright (its own browser download cannot run here): $AGGREGATOR_CHROMIUM, else
/// /usr/bin/chromium. A missing browser fails the tests, saying how to get one; it is never a skip.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    /// <summary>Where screenshots go: $AGGREGATOR_TEST_ARTIFACTS, else the test output's artifacts folder.</summary>
    public static string Artifacts { get; } = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("AGGREGATOR_TEST_ARTIFACTS") is { Length: > 0 } folder ? folder : Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("AGGREGATOR_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"no browser at {executable}: install Debian's chromium (apt-get install chromium) or set AGGREGATOR_CHROMIUM");
        }
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // As root in a container chromium needs no sandbox of its own; file:// pages may read dropped files.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
