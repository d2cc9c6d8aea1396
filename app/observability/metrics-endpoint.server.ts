import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gatewayMetrics } from "./metrics.server.ts";

/**
 * GET /metrics in Prometheus' text format, for a scraper that sends
 * `Authorization: Bearer <METRICS_TOKEN>`; without a configured token the
 * route does not exist (404), so metrics are never public by accident.
 */
export async function serveMetrics(
  request: IncomingMessage,
  response: ServerResponse,
  token: string | undefined,
) {
  if (!token) return send(response, 404, "text/plain", "Not found\n");
  if (!bearerMatches(request.headers.authorization, token)) {
    response.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
    return send(response, 401, "text/plain", "Send Authorization: Bearer <METRICS_TOKEN>\n");
  }
  const { registry } = gatewayMetrics();
  send(response, 200, registry.contentType, await registry.metrics());
}

function bearerMatches(header: string | undefined, token: string) {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header ?? "")?.[1] ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(response: ServerResponse, status: number, type: string, body: string) {
  response.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
  response.end(body);
}
