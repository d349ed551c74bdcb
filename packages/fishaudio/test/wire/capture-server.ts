import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as it reached the wire. */
export interface Captured {
  method: string;
  path: string;
  query: URLSearchParams;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Responder = (request: Captured, res: ServerResponse) => void;

const defaultResponder: Responder = (_req, res) => {
  res.writeHead(200, { "content-type": "application/json" }).end("{}");
};

/** An HTTP server on 127.0.0.1 that records each request and answers with `respond`. */
export async function captureServer(respond: Responder = defaultResponder) {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const captured: Captured = {
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        rawQuery: url.search.slice(1),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(captured);
      respond(captured, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Parses a captured multipart body with the platform's own parser, keeping part order. */
export async function multipartParts(request: Captured): Promise<[string, string | File][]> {
  const type = request.headers["content-type"] ?? "";
  const form = await new Response(new Uint8Array(request.body), {
    headers: { "content-type": type },
  }).formData();
  return [...form.entries()] as [string, string | File][];
}

/** A compact view of multipart parts: text as `name=value`, files as `name<filename,type,bytes>`. */
export async function describeParts(request: Captured): Promise<string[]> {
  const parts = await multipartParts(request);
  return Promise.all(
    parts.map(async ([name, value]) =>
      typeof value === "string"
        ? `${name}=${value}`
        : `${name}<${value.name},${value.type},${Buffer.from(await value.arrayBuffer()).toString()}>`,
    ),
  );
}
