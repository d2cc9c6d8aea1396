import client from "prom-client";
import { singleton } from "../utils/singleton.server.ts";

// Prometheus metrics of the process (GET /metrics, see metrics-endpoint.server.ts).
// Labels are bounded: model and provider slugs come from the catalog, statuses
// and error codes from fixed sets; never user or key ids. Created once per
// process: the server and the app bundle each load this module.

const SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** How often the event-loop delay is sampled (prom-client's default: 10 ms). */
const EVENT_LOOP_SAMPLE_MS = 100;
const FIRST_TOKEN_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type GatewayMetrics = ReturnType<typeof createMetrics>;

export function gatewayMetrics(): GatewayMetrics {
  return singleton("metrics", createMetrics);
}

function createMetrics() {
  const registry = new client.Registry();
  let collectingProcessMetrics = false;
  const registers = [registry];
  const requests = new client.Counter({
    name: "gateway_requests_total",
    help: "Completions settled, by model, provider and outcome",
    labelNames: ["model", "provider", "status"] as const,
    registers,
  });
  const errorResponses = new client.Counter({
    name: "gateway_error_responses_total",
    help: "Completions answered with an HTTP error, by status and error code",
    labelNames: ["status", "code"] as const,
    registers,
  });
  const latency = new client.Histogram({
    name: "gateway_request_duration_seconds",
    help: "Time from request to settlement",
    labelNames: ["model", "provider"] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const firstToken = new client.Histogram({
    name: "gateway_time_to_first_token_seconds",
    help: "Time from request to the first token",
    labelNames: ["model", "provider"] as const,
    buckets: FIRST_TOKEN_BUCKETS,
    registers,
  });
  const tokens = new client.Counter({
    name: "gateway_tokens_total",
    help: "Tokens charged, by model and kind (input, cached_input, output)",
    labelNames: ["model", "kind"] as const,
    registers,
  });
  const credits = new client.Counter({
    name: "gateway_credits_charged_total",
    help: "Credits charged, by model",
    labelNames: ["model"] as const,
    registers,
  });
  const upstreamErrors = new client.Counter({
    name: "gateway_upstream_errors_total",
    help: "Failed provider attempts, by provider and error code",
    labelNames: ["provider", "code"] as const,
    registers,
  });
  const fallbacks = new client.Counter({
    name: "gateway_fallbacks_total",
    help: "Requests answered by another provider than their model's first",
    labelNames: ["model", "provider"] as const,
    registers,
  });

  const readersOf = new Map<string, Set<() => number>>();
  /** A metric summed over its readers at scrape time, created with the first reader. */
  function addReader(name: string, read: () => number, create: (sum: () => number) => unknown) {
    let readers = readersOf.get(name);
    if (!readers) {
      const set = new Set<() => number>();
      readersOf.set(name, (readers = set));
      create(() => {
        let sum = 0;
        for (const reader of set) sum += reader();
        return sum;
      });
    }
    readers.add(read);
    return () => void readers.delete(read);
  }

  // Children per label set, so that a request costs map lookups rather than label hashing.
  const children = new Map<string, ReturnType<typeof childrenOf>>();
  function childrenOf(model: string, provider: string) {
    return {
      latency: latency.labels(model, provider),
      firstToken: firstToken.labels(model, provider),
      input: tokens.labels(model, "input"),
      cachedInput: tokens.labels(model, "cached_input"),
      output: tokens.labels(model, "output"),
      credits: credits.labels(model),
      byStatus: new Map<string, client.Counter.Internal>(),
    };
  }

  return {
    registry,
    /**
     * Adds Node's own metrics (memory, CPU, event-loop lag, GC). Only when
     * /metrics is served: measuring event-loop lag wakes the process up to a
     * hundred times a second, which an idle gateway should not pay for.
     */
    collectProcessMetrics() {
      if (collectingProcessMetrics) return;
      collectingProcessMetrics = true;
      // The event-loop delay histogram samples on a timer that wakes the idle process:
      // prom-client's 10 ms default cost 30-40 ms of CPU per 10 s idle here, 100 ms under
      // 10 ms, and a block longer than 100 ms still always shows (ADR 058).
      client.collectDefaultMetrics({
        register: registry,
        eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
      });
    },
    /** A request settled. */
    settled(row: {
      model: string;
      provider: string;
      status: string;
      seconds: number;
      firstTokenSeconds: number | null;
      inputTokens: number;
      cachedInputTokens: number;
      outputTokens: number;
      credits: number;
    }) {
      const key = `${row.model}\0${row.provider}`;
      let child = children.get(key);
      if (!child) children.set(key, (child = childrenOf(row.model, row.provider)));
      let counter = child.byStatus.get(row.status);
      if (!counter)
        child.byStatus.set(
          row.status,
          (counter = requests.labels(row.model, row.provider, row.status)),
        );
      counter.inc();
      child.latency.observe(row.seconds);
      if (row.firstTokenSeconds !== null) child.firstToken.observe(row.firstTokenSeconds);
      if (row.inputTokens) child.input.inc(row.inputTokens);
      if (row.cachedInputTokens) child.cachedInput.inc(row.cachedInputTokens);
      if (row.outputTokens) child.output.inc(row.outputTokens);
      if (row.credits) child.credits.inc(row.credits);
    },
    answeredWithError(status: number, code: string | null) {
      errorResponses.labels(String(status), code ?? "none").inc();
    },
    upstreamFailed(provider: string, code: string) {
      upstreamErrors.labels(provider, code).inc();
    },
    fellBack(model: string, provider: string) {
      fallbacks.labels(model, provider).inc();
    },
    /**
     * Adds `read` to the gauge `name` (created on first use), which sums its
     * readers at scrape time: each gateway in the process adds its own.
     * Returns the function that removes it.
     */
    gauge(name: string, help: string, read: () => number) {
      return addReader(
        name,
        read,
        (sum) =>
          new client.Gauge({
            name,
            help,
            registers: [registry],
            collect() {
              this.set(sum());
            },
          }),
      );
    },
    /** Like gauge, for a total that only grows (a counter: its readers count since they started). */
    counter(name: string, help: string, read: () => number) {
      let reported = 0;
      return addReader(
        name,
        read,
        (sum) =>
          new client.Counter({
            name,
            help,
            registers: [registry],
            collect() {
              const total = sum();
              if (total > reported) this.inc(total - reported);
              reported = total;
            },
          }),
      );
    },
  };
}
