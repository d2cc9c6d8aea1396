import { memberOf, type HoldRequest } from "../billing/reservations.ts";
import { isDatabaseUnavailable } from "../db/database-unavailable.server.ts";
import { TRUSTED_REQUEST_ID } from "../http/client-stamp.server.ts";
import { DATABASE_UNAVAILABLE, GatewayError, INTERNAL_ERROR } from "../http/gateway-error.ts";
import type { RequestTrace } from "../observability/tracing.server.ts";
import type { ActiveApiKey } from "./services/api-key-cache.server.ts";
import type { Gateway } from "./gateway.server.ts";
import { holdRefusedError } from "./hold-refusal.server.ts";
import { nextRequestId } from "./request-id.ts";

// Every /v1 endpoint runs through here: a request id, its trace, the hold and
// the error catch are written once. The endpoint's own steps (parse, auth,
// route choice, the provider calls and the charge) run in `handle`, from the
// front door of each (handle-chat, handle-embeddings, count-tokens, key-api).

/** How an endpoint answers what fails: in its client's protocol, and what the telemetry hears of it. */
export interface Endpoint {
  /** The error in the client's protocol (OpenAI's, Anthropic's, OpenRouter's shape). */
  error: (error: GatewayError, headers?: Record<string, string>) => Response;
  /** The log line of an unexpected failure (answered 500). */
  failed: string;
  /** A completion: traced, and its refusals logged and its failures counted as in the access log. */
  completion?: boolean;
}

/** A request of a billed endpoint, as the pipeline started it. */
export interface PipelineRequest {
  requestId: string;
  /** performance.now() when it arrived. */
  started: number;
  /** The path it came to (/v1/chat/completions, /api/v1/embeddings...). */
  endpoint: string;
  /** Its trace, when tracing is on (completions only). */
  trace: RequestTrace | undefined;
  /** Headers an error answer carries: the request id, and what the endpoint adds as it learns it. */
  headers: Record<string, string>;
}

/**
 * Runs a request of a billed endpoint (completions, embeddings): its id (the
 * trusted one a client stamp carries, else ours), its trace, and one answer
 * for whatever it throws.
 */
export async function runBilled(
  gateway: Gateway,
  request: Request,
  endpoint: Endpoint,
  handle: (run: PipelineRequest) => Promise<Response>,
): Promise<Response> {
  const requestId = request.headers.get(TRUSTED_REQUEST_ID) ?? nextRequestId();
  const started = performance.now();
  const path = pathOf(request.url);
  const trace = endpoint.completion ? gateway.tracing?.startRequest(request, path) : undefined;
  trace?.set({ "gateway.request_id": requestId });
  const run = { requestId, started, endpoint: path, trace, headers: { "x-request-id": requestId } };
  try {
    return await handle(run);
  } catch (caught) {
    return answerFailure(gateway, caught, endpoint, run);
  }
}

/** Runs a request that spends nothing (count_tokens, the key lookups): one answer for whatever it throws. */
export async function runUnbilled(
  gateway: Gateway,
  endpoint: Endpoint,
  handle: () => Promise<Response>,
): Promise<Response> {
  try {
    return await handle();
  } catch (caught) {
    return answerFailure(gateway, caught, endpoint, undefined);
  }
}

/**
 * The error catch: a GatewayError is answered in the endpoint's protocol, an
 * unreachable database with a 503, anything else with a logged 500.
 */
function answerFailure(
  gateway: Gateway,
  caught: unknown,
  endpoint: Endpoint,
  run: PipelineRequest | undefined,
): Response {
  const error = isDatabaseUnavailable(caught) ? DATABASE_UNAVAILABLE : caught;
  if (error instanceof GatewayError) {
    if (!run) return endpoint.error(error);
    gateway.metrics.answeredWithError(error.status, error.code);
    if (endpoint.completion) {
      // A run throws only once it has settled: the request's trace can end here.
      run.trace?.end(error.status, error.code ?? error.type);
      gateway.log.info(
        { requestId: run.requestId, status: error.status, error: error.code },
        "completion answered with an error",
      );
    }
    return endpoint.error(error, { ...run.headers, ...error.headers });
  }
  if (!run) {
    gateway.log.error({ err: error }, endpoint.failed);
    return endpoint.error(INTERNAL_ERROR);
  }
  if (endpoint.completion) {
    gateway.metrics.answeredWithError(500, "internal_error");
    run.trace?.end(500, "internal_error");
  }
  gateway.log.error({ err: error, requestId: run.requestId }, endpoint.failed);
  return endpoint.error(INTERNAL_ERROR, run.headers);
}

/** What a request asks its hold for (the ledger's HoldRequest, less who asks). */
export type HoldAsk = Pick<
  HoldRequest,
  "inputCost" | "outputPrice" | "requestedTokens" | "modelMaxTokens"
>;

/**
 * Reserves the request's hold: the most it may be charged, taken from the key's
 * account before any provider call. Refused: the client's 402, 403 or 401.
 * `requested` is the output the client asked for, as the refusal names it.
 */
export async function reserveHold(
  gateway: Gateway,
  run: PipelineRequest,
  key: ActiveApiKey,
  ask: HoldAsk,
  requested: number | undefined,
) {
  const reserving = run.trace?.step("reserve");
  const hold = await gateway.ledger.reserve({
    userId: key.userId,
    apiKeyId: key.id,
    memberId: memberOf(key),
    requestId: run.requestId,
    ...ask,
  });
  reserving?.end();
  if (!hold.ok) throw holdRefusedError(hold, requested);
  return hold;
}

/**
 * A media request's hold (ADR 072): an amount its request bounds (images, characters,
 * seconds), with no output tokens to grant.
 */
export const reserveAmount = (
  gateway: Gateway,
  run: PipelineRequest,
  key: ActiveApiKey,
  amount: bigint,
) =>
  reserveHold(
    gateway,
    run,
    key,
    { inputCost: amount, outputPrice: 0n, requestedTokens: 1, modelMaxTokens: 1 },
    undefined,
  );

/** The path of an absolute URL, without parsing all of it. */
function pathOf(url: string) {
  const path = url.slice(url.indexOf("/", url.indexOf("//") + 2));
  const query = path.search(/[?#]/);
  return query === -1 ? path : path.slice(0, query);
}
