import type { IncomingMessage, ServerResponse } from "node:http";
import { createHeaders } from "@remix-run/node-fetch-server";
import type { ActionFunction, RouterContextProvider, ServerBuild } from "react-router";
import { setBufferedBody, TOO_LARGE, type BufferedBody } from "./buffered-body.server.ts";
import type { Logger } from "../observability/logger.server.ts";
import { writeResponse } from "./write-response.server.ts";

/** What a resource route exports as `handle` to have its POSTs dispatched directly. */
export interface DirectActionHandle {
  directAction: true;
  /** The most body bytes the server reads for the action (it answers 413 beyond). */
  maxBodyBytes: number;
}

type Dispatch = (request: IncomingMessage, response: ServerResponse) => boolean;

interface Target {
  action: ActionFunction;
  pattern: string;
  maxBodyBytes: number;
}

/**
 * POSTs to the resource routes whose module exports `handle = { directAction: true }`
 * (the gateway's completions endpoints) go straight to the route's action. React
 * Router's request handler matches every request against every route and
 * prepares a context, and the Node adapter streams the body through a Fetch
 * stream: together that costs more than the rest of a proxied request
 * (docs/decisions/011-lean-request-path.md). Here the body is read into one
 * buffer (see buffered-body.server.ts) and the action gets a Fetch Request with
 * the same headers, URL and client-abort signal; the answer is written only as
 * fast as the client reads it, and a client that reads nothing for
 * `clientReadTimeoutMs` is cut (see write-response.server.ts). Every other
 * request, and every other method on these paths, goes through React Router
 * as usual.
 */
export function createDirectActions(
  build: ServerBuild,
  Context: new () => RouterContextProvider,
  log: Logger,
  clientReadTimeoutMs = 30_000,
): Dispatch {
  const targets = new Map<string, Target>();
  for (const route of Object.values(build.routes)) {
    const module = route?.module as
      { action?: ActionFunction; handle?: Partial<DirectActionHandle> } | undefined;
    const handle = module?.handle;
    if (!route || handle?.directAction !== true || !module?.action || !handle.maxBodyBytes)
      continue;
    const pattern = fullPath(build, route.id);
    targets.set(pattern, { action: module.action, pattern, maxBodyBytes: handle.maxBodyBytes });
  }

  return (incoming, outgoing) => {
    if (incoming.method !== "POST") return false;
    const url = incoming.url ?? "/";
    const query = url.indexOf("?");
    const target = targets.get(query === -1 ? url : url.slice(0, query));
    if (!target) return false;
    void respond(target, incoming, outgoing).catch((error: unknown) => {
      log.error({ err: error, path: target.pattern }, "request failed");
      outgoing.destroy();
    });
    return true;
  };

  async function respond(target: Target, incoming: IncomingMessage, outgoing: ServerResponse) {
    const body = await readBody(incoming, target.maxBodyBytes);
    if (body === undefined) return; // the client left while sending it
    const url = `http://${incoming.headers.host ?? "localhost"}${incoming.url}`;
    if (!URL.canParse(url))
      return void outgoing.writeHead(400).end("Bad Request: invalid Host header");
    const client = new AbortController();
    outgoing.once("close", () => {
      if (!outgoing.writableFinished) client.abort();
    });
    const request = new Request(url, {
      method: "POST",
      headers: createHeaders(incoming),
      signal: client.signal,
    });
    setBufferedBody(request, body);
    let response: Response;
    try {
      const result = await target.action({
        request,
        params: {},
        context: new Context(),
        pattern: target.pattern,
        get url() {
          return new URL(request.url);
        },
      });
      response = result instanceof Response ? result : Response.json(result);
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw thrown;
      response = thrown;
    }
    if (outgoing.destroyed || client.signal.aborted) return void response.body?.cancel();
    if ((await writeResponse(outgoing, response, clientReadTimeoutMs)) === "client-cut")
      log.info(
        { path: target.pattern, seconds: clientReadTimeoutMs / 1000 },
        "client read nothing of its answer for too long: connection closed",
      );
  }
}

/** The whole body, TOO_LARGE as soon as it passes the limit, or undefined if the client left. */
function readBody(incoming: IncomingMessage, limit: number) {
  return new Promise<BufferedBody | undefined>((resolve) => {
    if (Number(incoming.headers["content-length"] ?? 0) > limit) return resolve(TOO_LARGE);
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (body: BufferedBody | undefined) => {
      incoming.off("data", onData).off("end", onEnd).off("error", onClose).off("close", onClose);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return done(TOO_LARGE);
      chunks.push(chunk);
    };
    const onEnd = () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    const onClose = () => done(undefined);
    incoming.on("data", onData).on("end", onEnd).on("error", onClose).on("close", onClose);
  });
}

function fullPath(build: ServerBuild, id: string): string {
  const segments: string[] = [];
  for (
    let route = build.routes[id];
    route;
    route = route.parentId ? build.routes[route.parentId] : undefined
  )
    if (route.path) segments.unshift(route.path.replace(/^\/|\/$/g, ""));
  return `/${segments.join("/")}`;
}
