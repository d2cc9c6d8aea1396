import type { Logger } from "./logger.server.ts";
import type { GatewayMetrics } from "./metrics.server.ts";
import type { RequestTrace } from "./tracing.server.ts";

/** The token counts of a settled request (the gateway's Usage, as telemetry reads it). */
interface TokenCounts {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
}

/** A settled completion, as its access log line, metrics and trace tell it (never content, user or key ids). */
export interface SettledCompletion {
  requestId: string;
  keyPrefix: string;
  model: string;
  provider: string;
  stream: boolean;
  status: "SUCCESS" | "ERROR" | "CANCELLED";
  /** The failure's code when it was ours or the provider's (the access log's `error`). */
  loggedError: string | null | undefined;
  /** The code the usage row carries (null when it did not fail). */
  errorCode: string | null;
  usage: TokenCounts;
  cost: bigint;
  /** performance.now() when the request arrived, and at its first token. */
  started: number;
  firstTokenAt: number | undefined;
  /** Provider calls made (retries and fallbacks included). */
  attempts: number;
  finishReason: string | undefined;
}

/** Tells the log, the metrics and the trace how a completion was settled. */
export function recordSettledCompletion(
  log: Logger,
  metrics: GatewayMetrics,
  trace: RequestTrace | undefined,
  settled: SettledCompletion,
) {
  const { usage, started, firstTokenAt } = settled;
  logAccess(log, settled);
  metrics.settled({
    model: settled.model,
    provider: settled.provider,
    status: settled.status,
    seconds: (performance.now() - started) / 1000,
    firstTokenSeconds: firstTokenAt === undefined ? null : (firstTokenAt - started) / 1000,
    inputTokens: usage.inputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    outputTokens: usage.outputTokens,
    credits: Number(settled.cost) / 1e6,
  });
  if (trace) traceOutcome(trace, settled);
}

/** The access log's line for a completion (at info: LOG_LEVEL=warn turns it off). */
function logAccess(log: Logger, settled: SettledCompletion) {
  if (!log.isLevelEnabled("info")) return;
  const { usage, started, firstTokenAt } = settled;
  log.info(
    {
      requestId: settled.requestId,
      key: settled.keyPrefix,
      model: settled.model,
      provider: settled.provider,
      stream: settled.stream,
      status: settled.status,
      error: settled.loggedError,
      inputTokens: usage.inputTokens + usage.cachedInputTokens,
      outputTokens: usage.outputTokens,
      cost: settled.cost.toString(),
      latencyMs: Math.round(performance.now() - started),
      firstTokenMs: firstTokenAt === undefined ? null : Math.round(firstTokenAt - started),
      retries: Math.max(0, settled.attempts - 1),
    },
    "completion",
  );
}

/** What the access log says of the request, on its trace. */
function traceOutcome(trace: RequestTrace, settled: SettledCompletion) {
  const { usage } = settled;
  trace.set({
    "gen_ai.provider.name": settled.provider,
    // As the answer's prompt_tokens and completion_tokens count them.
    "gen_ai.usage.input_tokens":
      usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens,
    "gen_ai.usage.output_tokens": usage.outputTokens,
    "gateway.status": settled.status,
    // Exact, like the ledger's BigInt (a number would round above 2^53).
    "gateway.cost_micro_credits": settled.cost.toString(),
    "gateway.attempts": settled.attempts,
  });
  if (settled.finishReason) trace.set({ "gen_ai.response.finish_reasons": [settled.finishReason] });
  if (settled.status === "ERROR") trace.fail(settled.errorCode ?? "upstream_error");
}

/** A settled embeddings request, as its log line and metrics tell it. */
export interface SettledEmbeddings {
  requestId: string;
  keyPrefix: string;
  model: string;
  provider: string;
  status: "SUCCESS" | "ERROR";
  error: string | null | undefined;
  inputTokens: number;
  cost: bigint;
  latencyMs: number;
}

/** Tells the log and the metrics how an embeddings request was settled. */
export function recordSettledEmbeddings(
  log: Logger,
  metrics: GatewayMetrics,
  settled: SettledEmbeddings,
) {
  metrics.settled({
    model: settled.model,
    provider: settled.provider,
    status: settled.status,
    seconds: settled.latencyMs / 1000,
    firstTokenSeconds: null,
    inputTokens: settled.inputTokens,
    cachedInputTokens: 0,
    outputTokens: 0,
    credits: Number(settled.cost) / 1e6,
  });
  if (log.isLevelEnabled("info"))
    log.info(
      {
        requestId: settled.requestId,
        key: settled.keyPrefix,
        model: settled.model,
        provider: settled.provider,
        status: settled.status,
        error: settled.error,
        inputTokens: settled.inputTokens,
        cost: settled.cost.toString(),
        latencyMs: settled.latencyMs,
      },
      "embeddings",
    );
}
