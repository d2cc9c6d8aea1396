import { PassThrough } from "node:stream";

import type { EntryContext, RouterContextProvider } from "react-router";
import { createReadableStreamFromReadable } from "@react-router/node";
import { isRouteErrorResponse, ServerRouter } from "react-router";
import type { RenderToPipeableStreamOptions } from "react-dom/server";
import { renderToPipeableStream } from "react-dom/server";
import { processLogger } from "./observability/logger.server.ts";

export const streamTimeout = 5_000;

/**
 * Errors of loaders, actions and rendering: one JSON line each; a client that
 * left is none. A request React Router refuses itself with a 4xx (a GET of a
 * route that only takes writes, say) is the client's mistake: warn, without a
 * stack; error is for our own failures (issue #21, finding 13a).
 */
export function handleError(error: unknown, { request }: { request: Request }) {
  const path = new URL(request.url).pathname;
  const clientLeft =
    request.signal.aborted || (error instanceof Error && error.name === "AbortError");
  if (clientLeft) processLogger().debug({ path }, "client left before the answer");
  else if (isRouteErrorResponse(error) && error.status < 500)
    processLogger().warn(
      { path, method: request.method, status: error.status, reason: error.statusText },
      "request refused",
    );
  else processLogger().error({ err: error, path }, "request failed");
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  _loadContext: RouterContextProvider,
) {
  // https://httpwg.org/specs/rfc9110.html#HEAD
  if (request.method.toUpperCase() === "HEAD") {
    return new Response(null, {
      status: responseStatusCode,
      headers: responseHeaders,
    });
  }

  return new Promise((resolve, reject) => {
    let shellRendered = false;
    // React Router's default entry, except that every page waits for all its content
    // (here: the lazily loaded chart's module) instead of streaming what is late with
    // inline scripts, so that it is whole without JavaScript too. Our pages are small.
    // https://react.dev/reference/react-dom/server/renderToPipeableStream#waiting-for-all-content-to-load-for-crawlers-and-static-generation
    const readyOption: keyof RenderToPipeableStreamOptions = "onAllReady";

    // Abort the rendering stream after the `streamTimeout` so it has time to
    // flush down the rejected boundaries
    let timeoutId: ReturnType<typeof setTimeout> | undefined = setTimeout(
      () => abort(),
      streamTimeout + 1000,
    );

    const { pipe, abort } = renderToPipeableStream(
      <ServerRouter context={routerContext} url={request.url} />,
      {
        [readyOption]() {
          shellRendered = true;
          const body = new PassThrough({
            final(callback) {
              // Clear the timeout to prevent retaining the closure and memory leak
              clearTimeout(timeoutId);
              timeoutId = undefined;
              callback();
            },
          });
          const stream = createReadableStreamFromReadable(body);

          responseHeaders.set("Content-Type", "text/html");

          pipe(body);

          resolve(
            new Response(stream, {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Log streaming rendering errors from inside the shell.  Don't log
          // errors encountered during initial shell rendering since they'll
          // reject and get logged in handleDocumentRequest.
          if (shellRendered) processLogger().error({ err: error }, "rendering failed");
        },
      },
    );
  });
}
