using Aggregator.Composition;
using Aggregator.Host.Bus;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

/// <summary>An engine whose state cannot be written does not start; one whose state can, does.</summary>
public class StartupCheckTests
{
    [Fact]
    public async Task An_engine_whose_state_directory_cannot_be_written_refuses_to_start_naming_it()
    {
        var root = Directory.CreateTempSubdirectory("aggregator-startup-").FullName;
        try
        {
            // A directory below a regular file cannot be made, whoever runs the test (root included).
            var blocker = Path.Combine(root, "a-file");
            await File.WriteAllTextAsync(blocker, "");
            var state = Path.Combine(blocker, "state");
            using var refused = AggregatorHost.Build(new HostPlan(BusTransport.InMemory) { Engine = Settings(2) with { StateDirectory = state }, EngineQueue = $"engine-{Guid.NewGuid():N}" });
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => refused.StartAsync());
            Assert.Contains($"the engine's state directory {state} cannot be written", error.Message);

            var writable = Path.Combine(root, "state");
            using var started = AggregatorHost.Build(new HostPlan(BusTransport.InMemory) { Engine = Settings(2) with { StateDirectory = writable }, EngineQueue = $"engine-{Guid.NewGuid():N}" });
            await started.StartAsync();
            await started.StopAsync();
            Assert.Empty(Directory.GetFiles(writable, ".write-check-*")); // the probe leaves nothing behind
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
