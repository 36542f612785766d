using Aggregator.Api.Access;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Aggregator.Testing;

namespace Aggregator.Api.Tests;

/// <summary>
/// The api beside an engine of three accounts (EngineFixtures: one chain, ETH at 2,000, USDC at 1) on one
/// in-memory bus: account-0's owner has a credential, the lender's key reads account-0 and account-1, the
/// operators' key reads all.
/// </summary>
public sealed class LiveWorld : IDisposable
{
    public LiveWorld(Func<ApiSettings, ApiSettings>? change = null)
    {
        Workspace = Directory.CreateTempSubdirectory("aggregator-live-").FullName;
        var credentials = Path.Combine(Workspace, "credentials.json");
        (Owner, _) = CredentialStore.Change(credentials, s => s.Issue("account-0", DateTimeOffset.UtcNow, null));
        (LenderKey, var lender) = ProtocolKey.Generate();
        (OperatorKey, var operators) = ProtocolKey.Generate();
        var settings = new ApiSettings(new Uri("http://127.0.0.1:0"), Path.Combine(Workspace, "epochs"), Path.Combine(Workspace, "cache"), credentials)
        {
            ProtocolKeys =
            [
                new ProtocolKey("lender", Convert.FromHexString(lender), new HashSet<string> { "account-0", "account-1" }),
                new ProtocolKey("operators", Convert.FromHexString(operators), null),
            ],
        };
        Api = new ApiFactory(new HostPlan(BusTransport.InMemory)
        {
            Engine = EngineFixtures.Settings(3, """ "perps": { "ETH": { "maintenanceMarginRate": "0.05" } } """),
            Api = change is null ? settings : change(settings),
        });
    }

    public string Workspace { get; }

    public string Owner { get; }

    public string LenderKey { get; }

    public string OperatorKey { get; }

    public ApiFactory Api { get; }

    public HttpClient Client(string? bearer)
    {
        var client = Api.CreateClient();
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Add("Authorization", "Bearer " + bearer);
        }
        return client;
    }

    public void Dispose()
    {
        Api.Dispose();
        Directory.Delete(Workspace, recursive: true);
    }
}
