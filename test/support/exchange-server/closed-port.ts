/**
 * @module A loopback port nothing listens on: bound once by the OS (so no other test holds it),
 * then released. A connection to it is refused at once, like a firewall that rejects websockets.
 */
export const closedPort = (): number => {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } })
  const port = listener.port
  listener.stop(true)
  return port
}
