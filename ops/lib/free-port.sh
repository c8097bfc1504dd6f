# A TCP port for a throwaway server of a test script. Source it, then: port=$(free_port). A port nothing listens on,
# below Linux's ephemeral range (32768-60999), where any client connection of a concurrent test may hold a port as its
# own end and make a server's bind fail (a backup test's cluster on 56134 did, 2026-12-02).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  return 1
}
