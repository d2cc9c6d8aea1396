import { errorResponse, GatewayError } from "../../http/gateway-error.ts";
import { anthropicFormat } from "../../protocols/anthropic/anthropic-format.ts";
import { openRouterErrorResponse } from "../../protocols/openrouter/openrouter-error.ts";

// What the API answers where nothing is served: a JSON 404 in the error shape
// of the client that asks (Anthropic's on its paths, OpenRouter's under /api/v1,
// OpenAI's elsewhere), never
// the dashboard's HTML page, which an SDK would show its user as a blob
// (issue #22, item 3; docs/decisions/039-json-on-every-api-path.md).

/** Endpoints of OpenAI's and Anthropic's APIs that the gateway does not offer, by name. */
const NOT_OFFERED: [RegExp, string][] = [
  // Generations and edits are served (ADR 072); variations (DALL·E 2 only) are not.
  [/^\/v1\/images\/variations(\/|$)/, "OpenAI's Images API (variations)"],
  [/^\/v1\/moderations(\/|$)/, "OpenAI's Moderations API"],
  [/^\/v1\/(files|uploads)(\/|$)/, "OpenAI's Files API"],
  [/^\/v1\/batches(\/|$)/, "OpenAI's Batch API"],
  [/^\/v1\/fine_tuning(\/|$)/, "OpenAI's Fine-tuning API"],
  [/^\/v1\/(assistants|threads)(\/|$)/, "OpenAI's Assistants API"],
  [/^\/v1\/vector_stores(\/|$)/, "OpenAI's Vector Stores API"],
  [/^\/v1\/realtime(\/|$)/, "OpenAI's Realtime API"],
  [/^\/v1\/messages\/batches(\/|$)/, "Anthropic's Message Batches API"],
  [/^\/v1\/complete$/, "Anthropic's legacy Text Completions API (use POST /v1/messages)"],
];

const SERVED_V1 =
  "It serves POST /v1/chat/completions, /v1/completions, /v1/responses, /v1/messages, " +
  "/v1/embeddings, /v1/images/generations and /edits, /v1/audio/speech, /transcriptions and " +
  "/translations, and GET " +
  "/v1/models; /docs lists every endpoint.";
const SERVED = "/docs lists the gateway's endpoints.";

/** Anthropic's clients call these: they get Anthropic's error shape. */
const isAnthropicPath = (path: string) =>
  path === "/messages" || path === "/v1/complete" || /^(\/api)?\/v1\/messages(\/|$)/.test(path);

/** OpenRouter's clients call these (ADR 038): they get OpenRouter's error shape. */
const isOpenRouterPath = (path: string) => /^\/api\/v1(\/|$)/.test(path);

/**
 * The 404 of an endpoint we do not offer (`POST /v1/audio/transcriptions`),
 * undefined for any other path. The server answers these before reading the
 * body: an audio upload would otherwise meet the body limit's 413.
 */
export function notOfferedEndpoint(method: string, path: string): Response | undefined {
  const name = NOT_OFFERED.find(([pattern]) => pattern.test(path))?.[1];
  if (!name) return undefined;
  return notFound(
    path,
    `This gateway does not offer ${name} (${method} ${shown(path)}). ${SERVED_V1}`,
    "unsupported_endpoint",
  );
}

/** The answer of a route's splat under /v1, /api or /api/v1: nothing is served at this path. */
export function unservedApiPath(request: Request): Response {
  const path = new URL(request.url).pathname;
  return (
    notOfferedEndpoint(request.method, path) ??
    notFound(
      path,
      `Unknown API path: ${request.method} ${shown(path)}. ${path.startsWith("/v1") ? SERVED_V1 : SERVED}`,
      "unknown_path",
    )
  );
}

/**
 * A request to /chat/completions, /messages, /models... from a client whose
 * base URL lacks /v1: a 404 that says where to send it. Not an alias: one base
 * URL keeps the root to the dashboard and `/completions` to the seed's format.
 */
export function missingV1(request: Request): Response {
  const path = new URL(request.url).pathname;
  const target = `${request.method} /v1${path}`;
  const message =
    path === "/messages"
      ? `Anthropic's API is under /v1: send this to ${target}. Anthropic's SDKs and Claude Code ` +
        "take the gateway's address without /v1 (ANTHROPIC_BASE_URL) and add it themselves."
      : `The API is under /v1: send this to ${target}. Set your client's base URL to this ` +
        "gateway's address followed by /v1 (OPENAI_BASE_URL=http://host:port/v1).";
  return notFound(path, message, "missing_v1");
}

function notFound(path: string, message: string, code: string) {
  const error = new GatewayError(404, message, { type: "invalid_request_error", code });
  if (isAnthropicPath(path)) return anthropicFormat.error(error);
  return isOpenRouterPath(path) ? openRouterErrorResponse(error) : errorResponse(error);
}

/** The path as the message repeats it: a client's mistake, not a place for a megabyte. */
const shown = (path: string) => (path.length > 200 ? `${path.slice(0, 200)}…` : path);
