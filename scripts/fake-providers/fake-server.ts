import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Scripts, type ReceivedRequest } from "./script.ts";

export interface FakeProvider {
  /** Base URL to give the SDK (OpenAI's includes /v1). */
  baseUrl: string;
  scripts: Scripts;
  close(): Promise<void>;
}

export type Responder = (context: {
  request: IncomingMessage;
  response: ServerResponse;
  body: unknown;
  /** The body's bytes, as they came (a multipart upload). */
  rawBody: Buffer;
  url: URL;
  scripts: Scripts;
  /** Call when the whole answer was written, before ending the response. */
  markCompleted(): void;
}) => Promise<void>;

/** An HTTP server that records each request, then lets `respond` answer it. */
export async function startFakeServer(options: {
  respond: Responder;
  basePath?: string;
  port?: number;
}): Promise<FakeProvider> {
  const scripts = new Scripts();
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://fake");
    const rawBody = await readBody(request);
    const raw = rawBody.toString("utf8");
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // the responder sees the raw text
    }
    let completed = false;
    const received: ReceivedRequest = {
      path: url.pathname + url.search,
      headers: request.headers,
      body,
      closed: new Promise((resolve) =>
        response.on("close", () => resolve({ completed, at: performance.now() })),
      ),
    };
    scripts.received.push(received);
    try {
      await options.respond({
        request,
        response,
        body,
        rawBody,
        url,
        scripts,
        markCompleted: () => (completed = true),
      });
    } catch (error) {
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: String(error) } }));
      } else {
        response.destroy();
      }
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${options.basePath ?? ""}`,
    scripts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage) {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Writes one SSE event; resolves once the socket accepted it. */
export function writeEvent(response: ServerResponse, data: string, event?: string) {
  return new Promise<void>((resolve) => {
    response.write(`${event ? `event: ${event}\n` : ""}data: ${data}\n\n`, () => resolve());
  });
}

/** Characters of text in a request, for a rough default input token count. */
export function promptCharacters(body: unknown) {
  return JSON.stringify(body ?? "").length;
}
