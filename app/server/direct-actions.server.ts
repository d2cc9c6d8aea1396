import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequest, sendResponse } from "@remix-run/node-fetch-server";
import type { ActionFunction, RouterContextProvider, ServerBuild } from "react-router";
import type { Logger } from "./logger.server.ts";

/** What a resource route exports as `handle` to have its POSTs dispatched directly. */
export interface DirectActionHandle {
  directAction: true;
}

type Dispatch = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * POSTs to the resource routes whose module exports `handle = { directAction: true }`
 * (the gateway's completions endpoints) go straight to the route's action, with the
 * same Fetch Request and Response plumbing as React Router's Node adapter, but
 * without its router: matching a request against every route and preparing a
 * request context costs more than the rest of a proxied request together
 * (docs/decisions/011-lean-request-path.md). Everything else, and every other
 * method on these paths, goes through React Router as usual.
 */
export function createDirectActions(
  build: ServerBuild,
  Context: new () => RouterContextProvider,
  log: Logger,
): Dispatch {
  const actions = new Map<string, { action: ActionFunction; pattern: string }>();
  for (const route of Object.values(build.routes)) {
    const module = route?.module as
      { action?: ActionFunction; handle?: Partial<DirectActionHandle> } | undefined;
    if (!route || module?.handle?.directAction !== true || !module.action) continue;
    const pattern = fullPath(build, route.id);
    actions.set(pattern, { action: module.action, pattern });
  }

  return (incoming, outgoing) => {
    if (incoming.method !== "POST") return false;
    const url = incoming.url ?? "/";
    const query = url.indexOf("?");
    const target = actions.get(query === -1 ? url : url.slice(0, query));
    if (!target) return false;
    void respond(target.action, target.pattern, incoming, outgoing);
    return true;
  };

  async function respond(
    action: ActionFunction,
    pattern: string,
    incoming: IncomingMessage,
    outgoing: ServerResponse,
  ) {
    const request = createRequest(incoming, outgoing);
    let response: Response;
    try {
      const result = await action({
        request,
        params: {},
        context: new Context(),
        pattern,
        get url() {
          return new URL(request.url);
        },
      });
      response = result instanceof Response ? result : Response.json(result);
    } catch (thrown) {
      if (thrown instanceof Response) response = thrown;
      else {
        log.error({ err: thrown, path: pattern }, "request failed");
        response = Response.json(
          { error: { message: "Internal error", type: "server_error" } },
          { status: 500 },
        );
      }
    }
    if (outgoing.destroyed || request.signal.aborted) return void response.body?.cancel();
    await sendResponse(outgoing, response).catch(() => outgoing.destroy());
  }
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
