using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Core.Chains;
using Aggregator.Core.Files;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;

namespace Aggregator.Engine;

/// <summary>
/// The heights of the last closed epoch, per chain, kept on disk beside the ledger journal: a batch below
/// them is an older state than a published epoch (an adapter's old batch replayed to a restarted
/// engine, say), and the engine refuses it. Without a path it is kept in memory only.
/// </summary>
internal sealed class EpochFloorFile(string? path)
{
    /// <summary>The heights recorded, or none.</summary>
    /// <exception cref="Core.Errors.InputException">The file is not what this class writes.</exception>
    public IReadOnlyDictionary<ChainId, (ulong Height, ulong Epoch)> Read()
    {
        if (path is null || !File.Exists(path))
        {
            return new Dictionary<ChainId, (ulong, ulong)>();
        }
        static ulong Number(JsonNode? node) => ulong.Parse(node!.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture);
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))!.AsObject()
                .ToDictionary(p => ChainId.Parse(p.Key), p => (Number(p.Value!["height"]), Number(p.Value!["epoch"])));
        }
        catch (Exception error) when (error is JsonException or FormatException or InvalidOperationException or NullReferenceException or OverflowException)
        {
            throw new Core.Errors.InputException($"the epoch floor is not a map of chains to heights: {error.Message}", file: path);
        }
    }

    /// <summary>Replaces the file (write, then rename).</summary>
    public void Write(IReadOnlyDictionary<ChainId, (ulong Height, ulong Epoch)> floor)
    {
        if (path is null)
        {
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var json = new JsonObject();
        foreach (var (chain, (height, epoch)) in floor.OrderBy(f => f.Key.ToString(), StringComparer.Ordinal))
        {
            json[chain.ToString()] = new JsonObject { ["height"] = height.ToString(CultureInfo.InvariantCulture), ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture) };
        }
        SafeFile.WriteAtomically(path, json.ToJsonString() + "\n", ownerOnly: true);
    }
}

/// <summary>Raises the engine's floor to each closed epoch's heights, and keeps it on disk.</summary>
internal sealed class EpochClosedConsumer(EngineBook engine, EpochFloorFile file) : IConsumer<EpochClosed>
{
    public Task Consume(ConsumeContext<EpochClosed> context)
    {
        file.Write(engine.RaiseFloor(context.Message.Epoch, context.Message.Heights.Select(h => (h.Chain, h.Height))));
        return Task.CompletedTask;
    }
}
