using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Aggregator.IntegrationTests;

/// <summary>What the fixtures that start local servers share: a free loopback port, and stopping what they started.</summary>
internal static class LocalProcesses
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the process and its children, waits for them, and releases the handle.</summary>
    public static void Stop(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process?.Dispose();
    }
}
