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
    public static int Pick()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("No free loopback port in 20000-31999 after 100 tries.");
    }
}
