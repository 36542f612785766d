using System.Net;
using System.Text;
using Aggregator.Api.Events;
using Aggregator.Core.Amounts;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests;

public sealed class EventStreamTests
{
    private static AccountsHealthChanged Changes(params string[] accounts) =>
        new([.. accounts.Select(a => new AccountHealthChanged(a, null, "healthy", "margin_call", 3, 2, 1.05m, DateTimeOffset.UnixEpoch))]);

    private static string Text(EventStream.StreamEvent e) => Encoding.UTF8.GetString(e.Bytes);

    [Fact]
    public void A_subscriber_sees_only_the_accounts_it_may_read_each_event_numbered()
    {
        var stream = new EventStream();
        using var subscription = stream.Subscribe(a => a == "alice", lastEventId: null);
        stream.Publish(Changes("alice", "bob", "alice"));
        var seen = new List<EventStream.StreamEvent>();
        while (subscription.Live.TryRead(out var e))
        {
            seen.Add(e);
        }
        Assert.Equal([1L, 3L], seen.Select(e => e.Id));
        Assert.StartsWith("id: 1\nevent: health\ndata: {\"account\":\"alice\"", Text(seen[0]), StringComparison.Ordinal);
        Assert.EndsWith("}\n\n", Text(seen[0]), StringComparison.Ordinal);
        Assert.DoesNotContain(seen, e => Text(e).Contains("bob", StringComparison.Ordinal));
    }

    [Fact]
    public void A_stream_resumes_after_its_last_event_within_the_window_and_says_when_the_window_was_passed()
    {
        var stream = new EventStream(window: 4);
        stream.Publish(Changes("a", "b", "c", "d", "e", "f")); // ids 1..6; the window keeps 3..6
        using (var resumed = stream.Subscribe(_ => true, lastEventId: 4))
        {
            Assert.False(resumed.PassedWindow);
            Assert.Equal([5L, 6L], resumed.Backlog.Select(e => e.Id));
        }
        using var late = stream.Subscribe(_ => true, lastEventId: 1);
        Assert.True(late.PassedWindow);
        Assert.Equal([3L, 4L, 5L, 6L], late.Backlog.Select(e => e.Id));
        using var current = stream.Subscribe(_ => true, lastEventId: 6);
        Assert.False(current.PassedWindow);
        Assert.Empty(current.Backlog);
        // An id from before a restart (this stream never reached it): the window, and a gap.
        using var earlier = stream.Subscribe(_ => true, lastEventId: 5_000);
        Assert.True(earlier.PassedWindow);
        Assert.Equal([3L, 4L, 5L, 6L], earlier.Backlog.Select(e => e.Id));
    }

    [Fact]
    public async Task A_subscriber_a_whole_queue_behind_is_cut_off_and_the_others_go_on()
    {
        var stream = new EventStream(window: 100, subscriberQueue: 3);
        using var slow = stream.Subscribe(_ => true, null);
        using var other = stream.Subscribe(a => a == "z", null);
        stream.Publish(Changes("a", "b", "c", "d", "z"));
        var drained = new List<long>();
        await Assert.ThrowsAsync<SubscriberTooSlowException>(async () =>
        {
            await foreach (var e in slow.Live.ReadAllAsync())
            {
                drained.Add(e.Id);
            }
        });
        Assert.Equal([1L, 2L, 3L], drained);
        Assert.True(other.Live.TryRead(out var z));
        Assert.Equal(5, z.Id);
    }

    [Fact]
    public async Task The_events_endpoint_streams_a_keys_accounts_only_and_resumes_from_Last_Event_ID()
    {
        using var world = new LiveWorld();
        var bus = world.Api.Services.GetRequiredService<IBus>();
        using var client = world.Client(world.LenderKey);
        using (var refused = await world.Client(null).GetAsync(new Uri("/v1/events", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/events", UriKind.Relative));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        // Accounts 1 and 2 become liquidatable (1 ETH against 1,800 USDC); the lender's key reads account-1 only.
        await bus.Publish(new CollateralObserved(EngineFixtures.Batch(5, "0x05", (1, EngineFixtures.OneEth), (2, EngineFixtures.OneEth))));
        foreach (var account in new[] { "account-2", "account-1" })
        {
            await bus.Publish(new LedgerEntry(account, account, LedgerEntryKind.Borrow, EngineFixtures.Usdc, new Amount(1_800_000_000, 6), DateTimeOffset.UtcNow));
        }
        // Plans first, then margin calls, then health changes (the engine's order of urgency).
        var events = await ReadEvents(reader, until: e => e.Type == "health");
        Assert.All(events, e => Assert.Contains("\"account\":\"account-1\"", e.Data, StringComparison.Ordinal));
        Assert.Equal(["liquidation", "margin_call", "health"], events.Select(e => e.Type));
        // A new stream from before the first of them: the window's events after that id (account-1's).
        using var resume = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/events?account=account-1", UriKind.Relative));
        resume.Headers.Add("Last-Event-ID", (events[0].Id - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var resumed = await client.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead);
        using var resumedReader = new StreamReader(await resumed.Content.ReadAsStreamAsync());
        var again = await ReadEvents(resumedReader, until: e => e.Id == events[^1].Id);
        Assert.Equal(events, again);
    }

    private sealed record Sent(long Id, string Type, string Data);

    private static async Task<List<Sent>> ReadEvents(StreamReader reader, Func<Sent, bool> until)
    {
        var events = new List<Sent>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        long id = 0;
        string? type = null;
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type is not null && id > 0)
            {
                var sent = new Sent(id, type, line[6..]);
                events.Add(sent);
                if (until(sent))
                {
                    return events;
                }
            }
        }
        throw new InvalidOperationException("the stream ended");
    }
}
