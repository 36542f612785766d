using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Aggregator.Api.Serving;
using Aggregator.Messages;

namespace Aggregator.Api.Events;

/// <summary>
/// The engines' health changes, margin calls and liquidation plans as server-sent events: each numbered,
/// written once as the bytes every subscriber is sent, and kept in a window of the last
/// <see cref="Window"/> events so that a stream that drops can resume from its Last-Event-ID. A
/// subscriber that falls a whole queue behind is cut off (and resumes), so one slow reader never holds
/// back the others or the api's memory.
/// </summary>
internal sealed class EventStream(int window = EventStream.DefaultWindow, int subscriberQueue = EventStream.DefaultSubscriberQueue)
{
    public const int DefaultWindow = 100_000;
    public const int DefaultSubscriberQueue = 10_000;

    private readonly Lock _gate = new();
    private readonly StreamEvent?[] _window = new StreamEvent?[window];
    private readonly List<Subscriber> _subscribers = [];
    private long _next = 1;

    public int Window => _window.Length;

    /// <summary>The id of the newest event (0 before any).</summary>
    public long Newest
    {
        get
        {
            lock (_gate)
            {
                return _next - 1;
            }
        }
    }

    public void Publish(AccountsHealthChanged changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        Publish(changes.Changes.Select(c => ("health", c.Account, (Action<Utf8JsonWriter>)(w =>
        {
            w.WriteString("account", c.Account);
            w.WriteString("pool", c.Pool);
            w.WriteString("previousStatus", c.PreviousStatus);
            w.WriteString("status", c.Status);
            w.WriteNumber("previousBand", c.PreviousBand);
            w.WriteNumber("band", c.Band);
            JsonDecimals.Write(w, "healthFactor", c.HealthFactor);
            w.WriteString("at", c.At);
        }))));
    }

    public void Publish(MarginCalls calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        Publish(calls.Calls.Select(c => ("margin_call", c.Account, (Action<Utf8JsonWriter>)(w =>
        {
            w.WriteString("account", c.Account);
            w.WriteString("pool", c.Pool);
            w.WriteString("status", c.Status);
            JsonDecimals.Write(w, "healthFactor", c.HealthFactor);
            w.WriteString("at", c.At);
        }))));
    }

    public void Publish(LiquidationsPlanned plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        Publish(plans.Plans.Select(p => ("liquidation", p.Account, (Action<Utf8JsonWriter>)(w =>
        {
            w.WriteString("account", p.Account);
            w.WriteString("pool", p.Pool);
            w.WriteString("status", p.Status);
            JsonDecimals.Write(w, "healthFactor", p.HealthFactor);
            JsonDecimals.Write(w, "closeFactor", p.CloseFactor);
            w.WriteString("debtAsset", p.DebtAsset?.Symbol);
            w.WriteString("debtToCover", p.DebtToCover?.ToString());
            w.WriteString("collateralChain", p.CollateralChain?.ToString());
            w.WriteString("collateralAsset", p.CollateralAsset?.Symbol);
            w.WriteString("collateralToSeize", p.CollateralToSeize?.ToString());
            w.WriteStartArray("perpsToClose");
            foreach (var perp in p.PerpsToClose)
            {
                w.WriteStringValue(perp);
            }
            w.WriteEndArray();
            w.WriteString("at", p.At);
        }))));
    }

    /// <summary>
    /// A new subscriber seeing the events <paramref name="sees"/> lets through, from after
    /// <paramref name="lastEventId"/> when given: the window's events since then first, or, when the
    /// window no longer holds them, a gap event saying so.
    /// </summary>
    public Subscription Subscribe(Func<string, bool> sees, long? lastEventId)
    {
        var subscriber = new Subscriber(sees, Channel.CreateBounded<StreamEvent>(new BoundedChannelOptions(subscriberQueue) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }));
        var backlog = new List<StreamEvent>();
        var gap = false;
        lock (_gate)
        {
            // An id this stream never sent (one from before the api restarted, whose ids start again at 1)
            // resumes from the oldest kept, saying so: its events since are not known.
            if (lastEventId is { } last && last != _next - 1)
            {
                var oldest = Math.Max(1, _next - _window.Length);
                gap = last + 1 < oldest || last >= _next;
                last = last >= _next ? 0 : last;
                for (var id = Math.Max(last + 1, oldest); id < _next; id++)
                {
                    if (_window[id % _window.Length] is { } kept && sees(kept.Account))
                    {
                        backlog.Add(kept);
                    }
                }
            }
            _subscribers.Add(subscriber);
        }
        return new Subscription(this, subscriber, backlog, gap);
    }

    private void Publish(IEnumerable<(string Type, string Account, Action<Utf8JsonWriter> Data)> events)
    {
        lock (_gate)
        {
            foreach (var (type, account, data) in events)
            {
                var id = _next++;
                var stored = new StreamEvent(id, account, Encode(id, type, data));
                _window[id % _window.Length] = stored;
                for (var i = _subscribers.Count - 1; i >= 0; i--)
                {
                    var subscriber = _subscribers[i];
                    if (subscriber.Sees(account) && !subscriber.Queue.Writer.TryWrite(stored))
                    {
                        // A whole queue behind: cut off, to resume from its last event id.
                        subscriber.Queue.Writer.TryComplete(new SubscriberTooSlowException());
                        _subscribers.RemoveAt(i);
                    }
                }
            }
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }
    }

    private static byte[] Encode(long id, string type, Action<Utf8JsonWriter> data)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write(Encoding.ASCII.GetBytes($"id: {id}\nevent: {type}\ndata: "));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            data(writer);
            writer.WriteEndObject();
        }
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    internal sealed record StreamEvent(long Id, string Account, byte[] Bytes);

    internal sealed record Subscriber(Func<string, bool> Sees, Channel<StreamEvent> Queue);

    /// <summary>One subscriber's events: the backlog to send first, whether the window was passed, then the live queue.</summary>
    internal sealed class Subscription : IDisposable
    {
        private readonly EventStream _stream;
        private readonly Subscriber _subscriber;

        internal Subscription(EventStream stream, Subscriber subscriber, IReadOnlyList<StreamEvent> backlog, bool gap) =>
            (_stream, _subscriber, Backlog, PassedWindow) = (stream, subscriber, backlog, gap);

        public IReadOnlyList<StreamEvent> Backlog { get; }

        /// <summary>Whether events after the given Last-Event-ID were already out of the window (some are lost to this subscriber).</summary>
        public bool PassedWindow { get; }

        public ChannelReader<StreamEvent> Live => _subscriber.Queue.Reader;

        public void Dispose() => _stream.Remove(_subscriber);
    }
}

/// <summary>A subscriber fell a whole queue behind and was cut off.</summary>
internal sealed class SubscriberTooSlowException : Exception
{
    public SubscriberTooSlowException()
        : base("the subscriber fell a whole queue behind")
    {
    }
}
