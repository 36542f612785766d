using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Aggregator.Composition;
using Aggregator.Demo;
using Aggregator.Host.Bus;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Api.Tests;

/// <summary>The api on a real Kestrel, as `aggregator run` starts it: TLS of its own, and forwarded addresses believed only from its proxies.</summary>
public sealed class KestrelTests : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-kestrel-").FullName;

    private ApiSettings Settings(Uri listen) => new(listen, Path.Combine(_workspace, "epochs"), Path.Combine(_workspace, "cache"), Path.Combine(_workspace, "credentials.json"));

    [Fact]
    public async Task With_a_certificate_it_serves_https_only_and_the_client_sees_that_certificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(_workspace, "cert.pem");
        var keyPath = Path.Combine(_workspace, "key.pem");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        var port = LocalServer.FreePort();
        using var host = AggregatorHost.Build(new HostPlan(BusTransport.InMemory) { Api = Settings(new Uri($"https://127.0.0.1:{port}")) with { Tls = new TlsFiles(certificatePath, keyPath) } });
        await host.StartAsync();
        try
        {
            X509Certificate2? seen = null;
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => { seen = presented is null ? null : new X509Certificate2(presented); return true; } };
            using var https = new HttpClient(handler);
            using var answer = await https.GetAsync(new Uri($"https://127.0.0.1:{port}/health/live"));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(certificate.Thumbprint, seen?.Thumbprint);
            // Plain http to the TLS port is not served.
            using var plain = new HttpClient();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new Uri($"http://127.0.0.1:{port}/health/live")));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task X_Forwarded_For_counts_only_from_a_trusted_proxy(bool trusted)
    {
        // One request a second per address (a burst of two): four requests "from" four addresses pass only
        // if those addresses are believed; from an untrusted sender they all count as its own.
        var port = LocalServer.FreePort();
        var settings = Settings(new Uri($"http://127.0.0.1:{port}")) with
        {
            RequestsPerSecondPerAddress = 1,
            TrustedProxies = trusted ? [new IPNetwork(IPAddress.Loopback, 32)] : [],
        };
        using var host = AggregatorHost.Build(new HostPlan(BusTransport.InMemory) { Api = settings });
        await host.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var codes = new List<HttpStatusCode>();
            for (var i = 1; i <= 4; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/epochs", UriKind.Relative));
                request.Headers.Add("X-Forwarded-For", $"203.0.113.{i}");
                using var response = await http.SendAsync(request);
                codes.Add(response.StatusCode);
            }
            Assert.Equal(trusted, codes.All(c => c == HttpStatusCode.OK));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    public void Dispose() => Directory.Delete(_workspace, recursive: true);
}
