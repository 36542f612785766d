using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Aggregator.IntegrationTests;

/// <summary>What the fixtures that start local servers share: free loopback ports, and stopping what they started.</summary>
internal static class LocalProcesses
{
    public static int FreePort() => Aggregator.Demo.LocalServer.FreePort();

    /// <summary>
    /// A port that is free on 127.0.0.1 together with the ports at the given offsets from it, below the
    /// kernel's ephemeral range (32768 and up), so no outgoing connection can take one of them meanwhile.
    /// </summary>
    public static int FreePortWith(params int[] offsets)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(10000, 32768 - offsets.Max());
            if (offsets.Prepend(0).All(offset => IsFree(port + offset)))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"no free 127.0.0.1 port with its ports at +{string.Join(", +", offsets)} found below 32768");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
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
