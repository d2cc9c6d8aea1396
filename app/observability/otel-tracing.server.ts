import {
  diag,
  DiagLogLevel,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  defaultResource,
  detectResources,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  serviceNameEnvDetector,
} from "@opentelemetry/resources";
import { AlwaysOnSampler, BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { Logger } from "./logger.server.ts";
import type { RequestTrace, TraceAttributes, Tracing, TraceSpan } from "./tracing.server.ts";

// The OpenTelemetry side of tracing.server.ts, imported only when tracing is on.
// Spans are parented explicitly (no context manager, no global provider): the
// gateway's spans are all made here, and nothing else in the process traces.

const SERVICE_NAME = "llm-gateway";

export function createTracing(log: Logger): Tracing {
  // The SDK reports failed exports through `diag`, silent unless given a logger.
  diag.setLogger(
    {
      error: (message) => log.warn(`opentelemetry: ${message}`),
      warn: (message) => log.warn(`opentelemetry: ${message}`),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const provider = new TracerProvider({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name.
    resource: defaultResource()
      .merge(resourceFromAttributes({ "service.name": SERVICE_NAME }))
      .merge(
        detectResources({ detectors: [resourceAttributesEnvDetector, serviceNameEnvDetector] }),
      ),
    // Every request is recorded: a caller's "not sampled" flag does not switch the gateway's traces off.
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  const tracer = provider.getTracer(SERVICE_NAME);
  const propagator = new W3CTraceContextPropagator();
  return {
    startRequest(request, endpoint) {
      const parent = propagator.extract(ROOT_CONTEXT, request.headers, HEADERS);
      const span = tracer.startSpan(
        `POST ${endpoint}`,
        {
          kind: SpanKind.SERVER,
          attributes: { "http.request.method": "POST", "http.route": endpoint },
        },
        parent,
      );
      return new OtelRequestTrace(tracer, span, trace.setSpan(parent, span));
    },
    shutdown: () => provider.shutdown(),
  };
}

const HEADERS: TextMapGetter<Headers> = {
  get: (headers, name) => headers.get(name) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

class OtelRequestTrace implements RequestTrace {
  private readonly steps = new Set<OtelStep>();
  private readonly tracer: Tracer;
  private readonly span: Span;
  private readonly context: Context;

  constructor(tracer: Tracer, span: Span, context: Context) {
    this.tracer = tracer;
    this.span = span;
    this.context = context;
  }

  set(attributes: TraceAttributes) {
    this.span.setAttributes(attributes);
  }

  step(name: string, attributes?: TraceAttributes): TraceSpan {
    const kind = name === "upstream" ? SpanKind.CLIENT : SpanKind.INTERNAL;
    const span = this.tracer.startSpan(name, { kind, attributes }, this.context);
    const step = new OtelStep(span, this.steps);
    this.steps.add(step);
    return step;
  }

  fail(errorCode: string) {
    failed(this.span, errorCode);
  }

  end(status: number, errorCode?: string | null) {
    for (const step of this.steps) step.end(errorCode);
    this.span.setAttribute("http.response.status_code", status);
    // As OpenTelemetry's HTTP conventions say: a 4xx is the client's error, not the server's.
    if (errorCode) {
      if (status >= 500) failed(this.span, errorCode);
      else this.span.setAttribute("error.type", errorCode);
    }
    this.span.end();
  }
}

class OtelStep implements TraceSpan {
  private readonly span: Span;
  private readonly open: Set<OtelStep>;

  constructor(span: Span, open: Set<OtelStep>) {
    this.span = span;
    this.open = open;
  }

  set(attributes: TraceAttributes) {
    this.span.setAttributes(attributes);
  }

  event(name: string) {
    this.span.addEvent(name);
  }

  end(errorCode?: string | null) {
    if (!this.open.delete(this)) return;
    if (errorCode) failed(this.span, errorCode);
    this.span.end();
  }
}

/** Only the error's code: provider error messages may quote the prompt. */
function failed(span: Span, errorCode: string) {
  span.setAttribute("error.type", errorCode);
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode });
}
