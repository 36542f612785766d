using Aggregator.Composition;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Api.Tests;

/// <summary>
/// The api role (with a prover on the in-memory bus, when the plan has one) in a test server: the
/// services and the pipeline are the ones `aggregator run` builds (AggregatorHost.AddServices,
/// ApiRole.UsePipeline); only Kestrel is replaced. The factory names its own assembly as the entry point
/// (the test SDK gives it one): the api is a library, run by `aggregator run`.
/// </summary>
public sealed class ApiFactory(HostPlan plan) : WebApplicationFactory<ApiFactory>
{
    /// <summary>Every log line the host wrote.</summary>
    public RecordedLogs Logs { get; } = new();

    protected override IHostBuilder CreateHostBuilder() => new HostBuilder()
        .ConfigureServices(services =>
        {
            AggregatorHost.AddServices(services, plan);
            services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        })
        .ConfigureWebHost(web => web.Configure(ApiRole.UsePipeline));

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseContentRoot(AppContext.BaseDirectory);
}

/// <summary>A logger provider that keeps every formatted line (with its exception), for tests of what is never logged.</summary>
public sealed class RecordedLogs : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(RecordedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
