// OpenTelemetry traces from a real gateway process to a fake OTLP/HTTP (JSON)
// collector, and a gateway without OTEL_EXPORTER_OTLP_ENDPOINT that never
// loads the SDK.
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startGateway, stopCleanly } from "../support/gateway-process.ts";

const db = setupTestDatabase();
const REPORT_LOADS = join(import.meta.dirname, "..", "support", "report-otel-loads.ts");
let prisma: Prisma;
let fake: FakeProvider;
let collector: Collector;

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  fake = await startFakeOpenAI();
  collector = await startCollector();
  await createCatalogEntry(prisma, { modelSlug: "gpt-traced" });
});
afterAll(async () => {
  await collector.close();
  await fake.close();
  await prisma.$disconnect();
});

const gatewayEnv = () => ({
  DATABASE_URL: db.url,
  OPENAI_API_KEY: "sk-fake",
  OPENAI_BASE_URL: fake.baseUrl,
  DATA_DIR: mkdtempSync(join(tmpdir(), "gw-trace-")),
  LOG_LEVEL: "warn",
  NODE_OPTIONS: `--import=${REPORT_LOADS}`,
});

async function customerClient(baseUrl: string) {
  const user = await createUser(prisma, { credits: 50 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  return {
    user,
    apiKey,
    secret,
    client: new OpenAI({ apiKey: secret, baseURL: `${baseUrl}/v1`, maxRetries: 0 }),
  };
}

test("each completion is a trace: the request, its reserve, upstream attempts and settle", async () => {
  const gateway = await startGateway({
    ...gatewayEnv(),
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer collector-token",
  });
  const { client, user, apiKey, secret } = await customerClient(gateway.baseUrl);
  const ask = { model: "gpt-traced", messages: [{ role: "user" as const, content: "Hi" }] };

  const json = await client.chat.completions.create(ask).withResponse();
  const streamed = await client.chat.completions
    .create({ ...ask, stream: true, stream_options: { include_usage: true } })
    .withResponse();
  let streamedUsage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of streamed.data) streamedUsage = chunk.usage ?? streamedUsage;
  // A caller's trace, and a provider failing once before it answers.
  fake.scripts.enqueue("gpt-traced", { status: 500 });
  const callerTrace = "0af7651916cd43dd8448eb211c80319c";
  const callerSpan = "b7ad6b7169203331";
  const retried = await client.chat.completions
    .create(ask, { headers: { traceparent: `00-${callerTrace}-${callerSpan}-01` } })
    .withResponse();
  // Stopping exports what is queued: no waiting for the batch timer.
  await stopCleanly(gateway);

  expect(collector.requests.length).toBeGreaterThan(0);
  for (const request of collector.requests) {
    expect(request.headers.authorization).toBe("Bearer collector-token");
    expect(request.service).toBe("llm-gateway");
  }
  // In the order they ended (start times only have millisecond precision).
  const spans = collector.requests.flatMap((request) => request.spans);
  const traceOf = (requestId: string | null) => {
    const root = spans.find((span) => span.attributes["gateway.request_id"] === requestId);
    expect(root, `a span for ${requestId}`).toBeDefined();
    const children = spans.filter((span) => span.parentSpanId === root!.spanId);
    // The request's span ends last, with its settlement.
    expect(spans.indexOf(root!)).toBeGreaterThan(spans.indexOf(children.at(-1)!));
    return { root: root!, children };
  };

  for (const [answer, usage, stream] of [
    [json, json.data.usage, false],
    [streamed, streamedUsage, true],
  ] as const) {
    const { root, children } = traceOf(answer.response.headers.get("x-request-id"));
    expect(root).toMatchObject({
      name: "POST /v1/chat/completions",
      kind: SERVER,
      status: { code: UNSET },
      attributes: {
        "http.route": "/v1/chat/completions",
        "http.response.status_code": 200,
        "gen_ai.request.model": "gpt-traced",
        "gen_ai.provider.name": "openai",
        "gen_ai.usage.input_tokens": usage!.prompt_tokens,
        "gen_ai.usage.output_tokens": usage!.completion_tokens,
        "gateway.stream": stream,
        "gateway.status": "SUCCESS",
        "gateway.api_key.prefix": apiKey.prefix,
        "gateway.cost_micro_credits": expect.stringMatching(/^[1-9]\d*$/),
      },
    });
    expect(root.parentSpanId ?? "").toBe("");
    expect(children.map((span) => span.name)).toEqual(["reserve", "upstream", "settle"]);
    for (const child of children) expect(child.traceId).toBe(root.traceId);
    const upstream = children[1]!;
    expect(upstream).toMatchObject({
      kind: CLIENT,
      attributes: { "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-traced" },
    });
    expect(upstream.events).toEqual(["first_token"]);
  }

  const { root, children } = traceOf(retried.response.headers.get("x-request-id"));
  expect(root).toMatchObject({ traceId: callerTrace, parentSpanId: callerSpan });
  expect(root.attributes["gateway.attempts"]).toBe(2);
  expect(
    children.map((span) => [span.name, span.status.code, span.attributes["error.type"]]),
  ).toEqual([
    ["reserve", UNSET, undefined],
    ["upstream", ERROR, "upstream_error"],
    ["upstream", UNSET, undefined],
    ["settle", UNSET, undefined],
  ]);

  // Never the prompt, the answer, the key's secret or the user.
  const exported = JSON.stringify(collector.requests.map((request) => request.body));
  expect(exported).not.toContain(secret);
  expect(exported).not.toContain(json.data.choices[0]!.message.content);
  expect(exported).not.toContain(user.id);
  expect(exported).not.toContain('"Hi"');
  // The positive control for the test below: this process did load the SDK.
  expect(gateway.output()).toContain("loaded otel-tracing.server");
});

test("without OTEL_EXPORTER_OTLP_ENDPOINT the SDK is never loaded", async () => {
  const gateway = await startGateway(gatewayEnv());
  const { client } = await customerClient(gateway.baseUrl);
  const completion = await client.chat.completions.create({
    model: "gpt-traced",
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(completion.choices[0]!.message.content).toBe("Hello from the fake provider.");
  await stopCleanly(gateway);
  expect(gateway.output()).not.toContain("loaded otel-tracing.server");
});

// OTLP's numbers for span kinds and status codes.
const SERVER = 2;
const CLIENT = 3;
const UNSET = 0;
const ERROR = 2;

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: string[];
  status: { code: number };
}

interface Collector {
  url: string;
  requests: {
    headers: IncomingHttpHeaders;
    body: unknown;
    service: unknown;
    spans: ExportedSpan[];
  }[];
  close(): Promise<void>;
}

/** An OTLP/HTTP collector that keeps what is posted to /v1/traces (JSON encoding). */
async function startCollector(): Promise<Collector> {
  const requests: Collector["requests"] = [];
  const server: Server = createServer(async (request, response) => {
    let text = "";
    for await (const chunk of request) text += chunk;
    if (request.method !== "POST" || request.url !== "/v1/traces") {
      return void response.writeHead(404).end();
    }
    const body = JSON.parse(text) as OtlpTraces;
    for (const { resource, scopeSpans } of body.resourceSpans) {
      requests.push({
        headers: request.headers,
        body,
        service: attributesOf(resource.attributes)["service.name"],
        spans: scopeSpans.flatMap(({ spans }) =>
          spans.map((span) => ({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId,
            name: span.name,
            kind: span.kind,
            attributes: attributesOf(span.attributes),
            events: (span.events ?? []).map((event) => event.name),
            status: { code: span.status?.code ?? UNSET },
          })),
        ),
      });
    }
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: {
      spans: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes: OtlpAttribute[];
        events?: { name: string }[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}

interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}

function attributesOf(attributes: OtlpAttribute[]) {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]));
}

function valueOf(value: OtlpValue): unknown {
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  return value.stringValue ?? value.doubleValue ?? value.boolValue;
}
