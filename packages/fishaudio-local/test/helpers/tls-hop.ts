/**
 * A TLS hop in front of a plain local server, for clients that only dial `wss://` (the `openai`
 * package's Realtime socket forces the scheme). It forwards bytes untouched: what the client
 * says over TLS reaches the server as it was sent. The certificate (fixtures/test-tls.crt, for
 * 127.0.0.1 and localhost) is self-signed and used by tests only.
 */
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { createServer } from "node:tls";
import { fixture } from "./fixtures.js";

export interface TlsHop {
  /** `https://127.0.0.1:<port>`: the server's address through the hop. */
  url: string;
  /** The certificate to trust (a client's `ca` option). */
  ca: Buffer;
  close(): Promise<void>;
}

/**
 * Starts a TLS listener on 127.0.0.1 forwarding every connection to `target` (`http://host:port`).
 * @example const hop = await startTlsHop(server.url); new OpenAI({ baseURL: `${hop.url}/compat/v1` });
 */
export async function startTlsHop(target: string): Promise<TlsHop> {
  const { hostname, port } = new URL(target);
  const ca = readFileSync(fixture("test-tls.crt"));
  const open = new Set<Socket>();
  const server = createServer({ key: readFileSync(fixture("test-tls.key")), cert: ca }, (tls) => {
    const upstream = connect(Number(port), hostname);
    open.add(tls).add(upstream);
    const done = () => {
      tls.destroy();
      upstream.destroy();
      open.delete(tls);
      open.delete(upstream);
    };
    tls.on("error", done).on("close", done);
    upstream.on("error", done).on("close", done);
    tls.pipe(upstream).pipe(tls);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TLS hop address");
  return {
    url: `https://127.0.0.1:${address.port}`,
    ca,
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
