using System.Net;
using System.Net.Sockets;

namespace Platform.Tests.Support;

/// <summary>
/// A loopback port for a server the tests start (their PostgreSQL cluster, a platform host), as `ops/lib/free-port.sh`
/// picks one for the test scripts: nothing listens on it, and it lies below Linux's ephemeral range (32768-60999), so no
/// client connection of a concurrent test can take it as its own end between the pick and the server's bind (a port the
/// kernel hands out for port 0 lies inside that range).
/// </summary>
public static class FreePort
{
    /// <summary>Ports already handed out in this test run: a server may bind its port seconds after the pick (initdb, a host's start).</summary>
    private static readonly HashSet<int> Given = [];

    public static int Pick()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            lock (Given)
            {
                if (!Given.Add(port))
                {
                    continue;
                }
            }
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("No free loopback port in 20000-31999 after 100 tries.");
    }
}
