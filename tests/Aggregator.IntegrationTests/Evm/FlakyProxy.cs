namespace Aggregator.IntegrationTests.Evm;

/// <summary>
/// An HTTP proxy on 127.0.0.1 in front of the real node that answers the first <c>failures</c> requests
/// with 503 (or all of them when negative), then forwards: a node that fails for a while.
/// </summary>
public sealed class FlakyProxy : IDisposable
{
    private readonly LoopbackProxy _proxy;
    private readonly bool _alwaysFail;
    private int _failuresLeft;
    private int _requests;

    public FlakyProxy(string target, int failures)
    {
        _failuresLeft = failures;
        _alwaysFail = failures < 0;
        _proxy = new LoopbackProxy(target, async body =>
        {
            Interlocked.Increment(ref _requests);
            return _alwaysFail || Interlocked.Decrement(ref _failuresLeft) >= 0 ? null : await _proxy!.ForwardAsync(body);
        });
    }

    public string Url => _proxy.Url;

    public int Requests => Volatile.Read(ref _requests);

    public void Dispose() => _proxy.Dispose();
}
