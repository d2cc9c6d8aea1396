import http, { type IncomingMessage } from "node:http";
import https from "node:https";

// The `fetch` the provider SDKs are given: node:http with keep-alive agents
// instead of undici's fetch, which costs several times more per request (see
// docs/decisions/011-lean-request-path.md). The SDKs still build, authenticate
// and send every request and turn every error status into their errors.
//
// A successful answer's body stays readable the standard way (response.body),
// and `responseChunks` reads it straight from the socket instead, a network
// read at a time, for the gateway's own stream parsers.

const AGENT_OPTIONS = { keepAlive: true, keepAliveMsecs: 30_000, scheduling: "lifo" } as const;
const agents = { "http:": new http.Agent(AGENT_OPTIONS), "https:": new https.Agent(AGENT_OPTIONS) };

const rawBodies = new WeakMap<Response, IncomingMessage>();

export async function upstreamFetch(
  input: string | URL | Request,
  init: RequestInit = {},
): Promise<Response> {
  const url = typeof input === "string" ? new URL(input) : input instanceof URL ? input : null;
  const body = init.body;
  if (
    !url ||
    !(url.protocol in agents) ||
    !(body == null || typeof body === "string" || body instanceof Uint8Array)
  ) {
    return fetch(input, init); // uploads and the like: not on the gateway's path
  }
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const incoming = await send(url, init.method ?? "GET", headerRecord(init.headers), body, signal);
  const headers = responseHeaders(incoming);
  const ok = incoming.statusCode! >= 200 && incoming.statusCode! < 300;
  if (!ok) {
    // Error bodies are small; the SDK reads them whole to build its error.
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    return new Response(Buffer.concat(chunks), { status: incoming.statusCode, headers });
  }
  const response = new Response(lazyWebStream(incoming), { status: incoming.statusCode, headers });
  rawBodies.set(response, incoming);
  return response;
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | null | undefined,
  signal: AbortSignal | undefined,
) {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = (url.protocol === "https:" ? https : http).request(url, {
      method,
      headers,
      agent: agents[url.protocol as keyof typeof agents],
    });
    const onAbort = () => request.destroy(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    request.once("response", (incoming) => {
      // After the headers, an abort cuts the body: readers see it end or fail.
      incoming.once("close", () => signal?.removeEventListener("abort", onAbort));
      resolve(incoming);
    });
    request.once("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
    });
    request.end(body ?? undefined);
  });
}

function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (init instanceof Headers) init.forEach((value, name) => (record[name] = value));
  else if (Array.isArray(init)) for (const [name, value] of init) record[name] = value;
  else if (init) Object.assign(record, init);
  return record;
}

function responseHeaders(incoming: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

/** The body as a web stream that reads the socket only if somebody reads it. */
function lazyWebStream(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Buffer> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= (incoming as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value));
      },
      cancel() {
        incoming.destroy();
      },
    },
    { highWaterMark: 0 }, // else the stream pulls once at creation
  );
}

/**
 * The body of an upstream answer, one batch per network read: straight from the
 * socket for answers that came through upstreamFetch, else from the web stream.
 * Ends quietly if the request was aborted; a connection cut mid-body throws.
 */
export async function* responseChunks(
  response: Response,
  signal: AbortSignal,
): AsyncGenerator<Buffer[]> {
  const incoming = rawBodies.get(response);
  if (!incoming) {
    for await (const chunk of response.body ?? []) yield [Buffer.from(chunk)];
    return;
  }
  const reader = new SocketReader(incoming);
  try {
    for (;;) {
      const batch = await reader.next();
      if (batch === null) return;
      yield batch;
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  } finally {
    reader.close();
  }
}

/** Pulls what the socket has ready, waiting only when nothing is. */
class SocketReader {
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly incoming: IncomingMessage;
  private readonly onEvent = () => this.wake?.();
  private readonly onEnd = () => {
    this.ended = true;
    this.wake?.();
  };
  private readonly onError = (error: Error) => {
    this.failure = error;
    this.wake?.();
  };
  private readonly onClose = () => {
    if (!this.ended && !this.failure)
      this.failure = new Error("the connection was closed mid-body");
    this.wake?.();
  };

  constructor(incoming: IncomingMessage) {
    this.incoming = incoming;
    incoming.on("readable", this.onEvent);
    incoming.on("end", this.onEnd);
    incoming.on("error", this.onError);
    incoming.on("close", this.onClose);
  }

  async next(): Promise<Buffer[] | null> {
    for (;;) {
      const batch: Buffer[] = [];
      let chunk: Buffer | null;
      while ((chunk = this.incoming.read() as Buffer | null) !== null) batch.push(chunk);
      if (batch.length > 0) return batch;
      if (this.failure) throw this.failure;
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  close() {
    this.incoming.off("readable", this.onEvent);
    this.incoming.off("end", this.onEnd);
    this.incoming.off("error", this.onError);
    this.incoming.off("close", this.onClose);
    if (!this.ended) this.incoming.destroy();
  }
}
