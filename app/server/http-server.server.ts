import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Prisma } from "../db/prisma.server.ts";
import { stampClient, stampedProto } from "../http/client-stamp.server.ts";
import { crossSiteRefusal, isOwnOrigin } from "../http/same-origin.server.ts";
import { publicOriginFor } from "../http/request-origin.server.ts";
import type { TrustProxy } from "../config/trust-proxy-setting.ts";
import { serveMetrics } from "../observability/metrics-endpoint.server.ts";
import { limitBody } from "../http/body-limit.server.ts";
import { checkReadiness, type Readiness } from "./health.server.ts";
import { MIGRATE_COMMAND } from "./schema-gate.server.ts";
import type { Logger } from "../observability/logger.server.ts";
import { createStaticFileHandler } from "./static-files.server.ts";

export interface HttpServerOptions {
  prisma: Prisma;
  /** Migrations this build expects; /readyz is 503 until all are applied. */
  expectedMigrations: string[];
  /** The React Router app; without it only the operational routes answer. */
  app?: RequestListener;
  /**
   * Answers some requests before their body is read (the API endpoints we do not offer: an
   * audio upload must get the 404 that names them, not the body limit's 413); undefined for
   * the others.
   */
  answerFirst?: (method: string, path: string) => Response | undefined;
  /** Routes answered before static files and the app; true when it took the request. */
  directActions?: (request: IncomingMessage, response: ServerResponse) => boolean;
  /** The client build to serve as static files. */
  publicDir?: string;
  /** The largest body of a request the app handles (forms, the JSON API); direct actions have their own. */
  maxBodyBytes?: number;
  /** How long a client may take to send its headers, and its whole request (defaults: 10 s, 120 s). */
  clientTimeouts?: { headersMs: number; requestMs: number };
  /** The bearer token /metrics asks for; unset, /metrics does not exist. */
  metricsToken?: string;
  /** Whose X-Forwarded-* headers to believe (TRUST_PROXY); default nobody's. */
  trustProxy?: TrustProxy;
  /** Why the app cannot be served yet (the schema gate); undefined when it can. */
  notServingBecause?: () => string | undefined;
  log: Logger;
}

/**
 * One Node HTTP server for everything: operational routes first (they must
 * answer even when the app is broken), then the gateway's direct actions,
 * static files, and the app.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const serveStatic = options.publicDir ? createStaticFileHandler(options.publicDir) : undefined;
  const trustProxy = options.trustProxy ?? { kind: "none" };
  const { headersMs, requestMs } = options.clientTimeouts ?? CLIENT_TIMEOUTS;
  // Slow clients (half-sent headers, a trickled body) are cut off instead of holding a
  // socket forever; answers may stream as long as they like.
  const timeouts = {
    headersTimeout: headersMs,
    requestTimeout: requestMs,
    connectionsCheckingInterval: Math.min(1_000, headersMs / 2),
  };
  return createServer(timeouts, async (request, response) => {
    const path = request.url?.split("?", 1)[0];
    try {
      stampClient(request, trustProxy);
      // Request URLs are built from Host: one that cannot be part of a URL is refused here.
      if (!URL.canParse(`http://${request.headers.host ?? ""}/`)) {
        return sendJson(response, 400, {
          error: {
            message: "The Host header is missing or malformed",
            type: "invalid_request_error",
            code: "bad_host",
          },
        });
      }
      // No path or parameter of ours holds a NUL byte, and no PostgreSQL text can:
      // refused once here, for every route (issue #21, finding 11).
      if (request.url?.includes("%00")) {
        return sendJson(response, 400, {
          error: {
            message: "The URL contains a NUL byte (%00), which no path or parameter here takes",
            type: "invalid_request_error",
            code: "nul_in_url",
          },
        });
      }
      if (path === "/healthz") return sendJson(response, 200, { status: "ok" });
      if (path === "/metrics" && request.method === "GET")
        return await serveMetrics(request, response, options.metricsToken);
      const notServing = options.notServingBecause?.();
      if (path === "/readyz") {
        const readiness: Readiness = notServing
          ? { ready: false, reason: notServing }
          : await checkReadiness(options.prisma, options.expectedMigrations);
        return sendJson(response, readiness.ready ? 200 : 503, {
          status: readiness.ready ? "ready" : "not ready",
          ...(readiness.ready ? {} : { reason: readiness.reason }),
        });
      }
      if (notServing) return sendNotReady(request, response, notServing);
      // Unknown methods (TRACE...) reach no route; OPTIONS runs no loader (no CORS here).
      if (request.method === "OPTIONS") {
        response.writeHead(204, { Allow: ALLOWED_METHODS }).end();
        return;
      }
      if (!KNOWN_METHODS.has(request.method!)) {
        response.setHeader("Allow", ALLOWED_METHODS);
        return sendJson(response, 405, {
          error: {
            message: `Method ${request.method} is not supported`,
            type: "invalid_request_error",
            code: "method_not_allowed",
          },
        });
      }
      const first = path === undefined ? undefined : options.answerFirst?.(request.method!, path);
      if (first) return await sendBeforeBody(response, first);
      if (options.directActions?.(request, response)) return;
      if (serveStatic && (await serveStatic(request, response))) return;
      if (options.app) {
        if (
          WRITE_METHODS.has(request.method!) &&
          !isOwnOrigin(request.headers.origin, ours(request))
        )
          return refuseCrossSite(request, response, path, options.log);
        if (!limitBody(request, response, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)) return;
        return options.app(request, response);
      }
      sendJson(response, 404, { error: { message: "Not found", type: "not_found" } });
    } catch (error) {
      options.log.error({ err: error, path }, "request failed");
      if (!response.headersSent)
        sendJson(response, 500, { error: { message: "Internal error", type: "server_error" } });
      else response.destroy();
    }
  });
}

const CLIENT_TIMEOUTS = { headersMs: 10_000, requestMs: 120_000 };
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);
/** What React Router runs actions for (its isMutationMethod). */
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Our origin as this request's browser should name it (Host was checked to parse). */
const ours = (request: IncomingMessage) =>
  publicOriginFor(request.headers.host ?? "", stampedProto(request));

/**
 * A write from another site (CSRF), refused before any route: a 403 in the API's
 * error shape, logged at warn: the client's mistake, not our failure (issue #21,
 * finding 13a). React Router's own check would answer 400 and count it as an
 * error, and behind a TLS-terminating proxy it took our own pages' https origin
 * for another site; start-gateway.server.ts leaves the check to this one.
 */
function refuseCrossSite(
  request: IncomingMessage,
  response: ServerResponse,
  path: string | undefined,
  log: Logger,
) {
  const origin = request.headers.origin ?? "";
  log.warn(
    { path, method: request.method, origin: origin.slice(0, 200) },
    "cross-site request refused",
  );
  const refusal = crossSiteRefusal(origin);
  sendJson(response, refusal.status, refusal.toJSON());
}
const ALLOWED_METHODS = [...KNOWN_METHODS, "OPTIONS"].join(", ");

/** 503 while the schema gate is closed: JSON in the API's error shape, a line of HTML for browsers. */
function sendNotReady(request: IncomingMessage, response: ServerResponse, reason: string) {
  const message = `The gateway is not ready: ${reason}. Run ${MIGRATE_COMMAND}; it serves once that is done.`;
  response.setHeader("Retry-After", "5");
  if (request.method === "GET" && request.headers.accept?.includes("text/html")) {
    // The message is ours (migration names and fixed text): nothing to escape.
    const html = `<!doctype html><meta charset="utf-8"><title>Not ready</title><p>${message}</p>`;
    response.writeHead(503, {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
    });
    return response.end(html);
  }
  sendJson(response, 503, { error: { message, type: "server_error", code: "not_ready" } });
}

/**
 * A small answer sent whole before the request's body was read. Node reads what
 * the client still sends and drops it, so an uploading client finishes its
 * upload and reads the answer; closing at once would cut it off with EPIPE.
 */
async function sendBeforeBody(response: ServerResponse, answer: Response) {
  const text = await answer.text();
  response.writeHead(answer.status, {
    ...Object.fromEntries(answer.headers),
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  response.end(text);
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  response.end(text);
}
