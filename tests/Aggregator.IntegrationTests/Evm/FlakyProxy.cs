using System.Net;
using System.Net.Sockets;

namespace Aggregator.IntegrationTests.Evm;

/// <summary>
/// An HTTP proxy on 127.0.0.1 in front of the real node that answers the first <c>failures</c> requests
/// with 503 (or all of them when negative), then forwards: a node that fails for a while.
/// </summary>
public sealed class FlakyProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _client = new();
    private readonly string _target;
    private readonly bool _alwaysFail;
    private int _failuresLeft;
    private int _requests;

    public FlakyProxy(string target, int failures)
    {
        _target = target;
        _failuresLeft = failures;
        _alwaysFail = failures < 0;
        var port = LocalProcesses.FreePort();
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(Serve);
    }

    public string Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _requests);
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            if (_alwaysFail || Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                context.Response.StatusCode = 503;
                context.Response.Close();
                continue;
            }
            using var forwarded = await _client.PostAsync(_target, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            var answer = await forwarded.Content.ReadAsByteArrayAsync();
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _client.Dispose();
    }
}
