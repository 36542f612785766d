using System.Net;
using System.Text;

namespace Aggregator.IntegrationTests;

/// <summary>
/// What the test proxies in front of a real node share: an HTTP listener on a free 127.0.0.1 port that
/// hands each request body to <c>handle</c>, which answers with a JSON body, or null for a 503.
/// <see cref="ForwardAsync"/> passes a body on to the node and returns its answer.
/// </summary>
internal sealed class LoopbackProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _client = new();
    private readonly string _target;
    private readonly Func<string, Task<string?>> _handle;

    public LoopbackProxy(string target, Func<string, Task<string?>> handle)
    {
        _target = target;
        _handle = handle;
        Url = $"http://127.0.0.1:{LocalProcesses.FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(Serve);
    }

    public string Url { get; }

    public async Task<string> ForwardAsync(string body)
    {
        using var forwarded = await _client.PostAsync(_target, new StringContent(body, Encoding.UTF8, "application/json"));
        return await forwarded.Content.ReadAsStringAsync();
    }

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
            using var reader = new StreamReader(context.Request.InputStream);
            var answer = await _handle(await reader.ReadToEndAsync());
            if (answer is null)
            {
                context.Response.StatusCode = 503;
            }
            else
            {
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(answer));
            }
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
