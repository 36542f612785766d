using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Aggregator.Api.Access;
using Aggregator.Api.Accounts;
using Aggregator.Api.Events;
using Aggregator.Api.Epochs;
using Aggregator.Api.Inclusion;
using Aggregator.Api.Serving;
using Aggregator.Host;
using Aggregator.Host.Bus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Aggregator.Api;

/// <summary>
/// The api role: the HTTP front door (docs/api.md). It reads the published epochs from the prover's
/// epochs directory (read-only), asks a prover for inclusion proofs over the bus, and keeps nothing of
/// its own but a cache of proofs handed out. Everything it serves goes through one pipeline:
/// forwarded headers from trusted proxies only, problem details for every error, CORS closed unless
/// configured, limits per client address and per key.
/// </summary>
public static class ApiRole
{
    /// <summary>The role's consumers, on a queue of its own (temporary, named for its broker user).</summary>
    public static void AddConsumers(IBusRegistrationConfigurator bus, BusTransport transport)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(transport);
        var queue = new ApiQueue(transport.OwnQueue("api"));
        bus.AddSingleton(queue);
        bus.AddConsumer<AccountViewsChangedConsumer, ApiConsumerDefinition<AccountViewsChangedConsumer>>();
        bus.AddConsumer<HealthEventsConsumer, ApiConsumerDefinition<HealthEventsConsumer>>();
        bus.AddConfigureEndpointsCallback((name, endpoint) =>
        {
            if (name == queue.Name)
            {
                queue.Configured(endpoint.InputAddress);
            }
        });
    }

    /// <summary>The role's services.</summary>
    public static void AddServices(IServiceCollection services, ApiSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.AddSingleton<AccountReadModel>();
        services.AddSingleton(new EventStream(settings.EventWindow));
        services.AddHostedService<AccountViewsRequest>();
        services.AddStartupCheck(() => StartupChecks.WritableDirectory(settings.CacheDirectory, "the api's cache directory"));
        services.AddSingleton<PublishedEpochs>();
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<InclusionProofs>();
        services.AddSingleton<Attestations.AccountAttestations>();
        services.AddRouting();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        services.AddOpenApi("v1", openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Aggregator API";
            document.Info.Version = "v1";
            document.Info.Description = "Published epochs, proven reserves and inclusion proofs of an institution's solvency commitments (docs/api.md).";
            // The same document wherever it is served from (and so comparable with docs/openapi.json).
            document.Servers?.Clear();
            return Task.CompletedTask;
        }));
        services.AddHealthChecks().AddCheck<ChainsReady>("chains", tags: ["ready"]);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter(BusMetrics.MeterName)
            .AddPrometheusExporter());
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            // Only the configured proxies are believed. With none, the headers are not read at all: empty
            // lists would make ASP.NET believe every sender, and its defaults believe any loopback one.
            forwarded.ForwardedHeaders = settings.TrustedProxies.Count > 0 ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in settings.TrustedProxies)
            {
                forwarded.KnownIPNetworks.Add(proxy);
            }
        });
        services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (settings.CorsOrigins.Count > 0)
            {
                policy.WithOrigins([.. settings.CorsOrigins]).WithMethods("GET", "POST").WithHeaders("Authorization", "Content-Type", "Last-Event-ID");
            }
        }));
        services.AddRateLimiter(limits =>
        {
            limits.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => Bucket(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown", settings.RequestsPerSecondPerAddress)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization
                    ? Bucket(Convert.ToHexString(Bearer.Hash(authorization)), settings.RequestsPerSecondPerKey)
                    : RateLimitPartition.GetNoLimiter("anonymous")));
            limits.OnRejected = async (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = "1";
                await rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = rejected.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too Many Requests", Detail = "too many requests from this address or key; retry after a second" },
                }).ConfigureAwait(false);
            };
        });
    }

    /// <summary>Where and how Kestrel listens: the configured address, TLS when configured, the body limit.</summary>
    public static void ConfigureServer(IWebHostBuilder web, ApiSettings settings)
    {
        ArgumentNullException.ThrowIfNull(web);
        ArgumentNullException.ThrowIfNull(settings);
        web.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBytes;
            var address = settings.Listen.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(settings.Listen.Host.Trim('[', ']'));
            kestrel.Listen(address, settings.Listen.Port, listen =>
            {
                if (settings.Tls is { } tls)
                {
                    listen.UseHttps(X509Certificate2.CreateFromPemFile(tls.Certificate, tls.Key));
                }
            });
        });
    }

    /// <summary>The request pipeline and the routes, in order.</summary>
    public static void UsePipeline(IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseEndpoints(endpoints =>
        {
            ApiEndpoints.Map(endpoints);
            endpoints.MapOpenApi("/openapi/{documentName}.json");
            endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
            endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
            endpoints.MapPrometheusScrapingEndpoint("/metrics");
        });
    }

    // A token bucket refilled every second, with a burst of two seconds' worth.
    private static RateLimitPartition<string> Bucket(string key, int perSecond) => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
    {
        TokenLimit = perSecond * 2,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });
}
