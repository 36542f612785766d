using Xunit;

namespace Aggregator.Testing;

/// <summary>Waiting for something another process or thread brings about: against a deadline, never a bare sleep.</summary>
public static class Eventually
{
    /// <summary>Returns once <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> after the limit (30 s by default).</summary>
    public static async Task Until(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>As <see cref="Until(Func{bool}, string, TimeSpan?)"/>, for a condition that is itself asynchronous (a request).</summary>
    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (!await condition().ConfigureAwait(false))
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }
}
