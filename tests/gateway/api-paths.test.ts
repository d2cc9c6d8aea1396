// Every method and path under /v1, /api and /api/v1 that the gateway does not serve answers
// JSON in the API's error shape, never the dashboard's HTML (issue #22, item 3): 404 for a
// path nobody serves (naming the endpoints we do not offer), 405 with Allow for a method a
// served path does not take, and a pointer to /v1 for a base URL without it. A real gateway
// process: which route answers is React Router's choice, made in the build.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { setupTestDatabase } from "../support/database.ts";
import { startGateway, type GatewayProcess } from "../support/gateway-process.ts";

const db = setupTestDatabase();
let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGateway({
    DATABASE_URL: db.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), "gw-paths-")),
    LOG_LEVEL: "warn",
  });
});
afterAll(async () => {
  await gateway?.stop();
});

type Shape = "openai" | "anthropic" | "openrouter";
/** [method, path, status, Allow (405 only), error shape, what the message must say] */
type Row = [string, string, 404 | 405, string | null, Shape, RegExp];

const unknown = /Unknown API path/;
const addV1 = /under \/v1/;

const ROWS: Row[] = [
  // Endpoints of OpenAI's and Anthropic's APIs that we do not offer: named.
  ["POST", "/v1/images/variations", 404, null, "openai", /OpenAI's Images API/],
  ["POST", "/v1/moderations", 404, null, "openai", /OpenAI's Moderations API/],
  ["POST", "/v1/files", 404, null, "openai", /OpenAI's Files API/],
  ["GET", "/v1/files/file-abc", 404, null, "openai", /OpenAI's Files API/],
  ["POST", "/v1/uploads", 404, null, "openai", /OpenAI's Files API/],
  ["POST", "/v1/batches", 404, null, "openai", /OpenAI's Batch API/],
  ["POST", "/v1/fine_tuning/jobs", 404, null, "openai", /OpenAI's Fine-tuning API/],
  ["POST", "/v1/assistants", 404, null, "openai", /OpenAI's Assistants API/],
  ["POST", "/v1/threads/runs", 404, null, "openai", /OpenAI's Assistants API/],
  ["GET", "/v1/vector_stores", 404, null, "openai", /OpenAI's Vector Stores API/],
  ["GET", "/v1/realtime", 404, null, "openai", /OpenAI's Realtime API/],
  ["POST", "/v1/messages/batches", 404, null, "anthropic", /Anthropic's Message Batches API/],
  ["GET", "/v1/messages/batches/msgbatch_1", 404, null, "anthropic", /Message Batches API/],
  ["POST", "/v1/complete", 404, null, "anthropic", /Anthropic's legacy Text Completions/],
  // Paths nobody serves.
  ["GET", "/v1", 404, null, "openai", unknown],
  ["GET", "/v1/", 404, null, "openai", unknown],
  ["GET", "/v1/anything", 404, null, "openai", unknown],
  ["DELETE", "/v1/anything/deeper", 404, null, "openai", unknown],
  ["POST", "/v1/chat/completions/extra", 404, null, "openai", unknown],
  ["POST", "/v1/engines/davinci/completions", 404, null, "openai", unknown],
  ["POST", "/v1/messages/anything", 404, null, "anthropic", unknown],
  ["GET", "/api", 404, null, "openai", unknown],
  ["GET", "/api/nothing", 404, null, "openai", unknown],
  ["POST", "/api/v1", 404, null, "openrouter", unknown],
  ["GET", "/api/v1/nothing", 404, null, "openrouter", unknown],
  ["PATCH", "/api/v1/nothing/deeper", 404, null, "openrouter", unknown],
  ["POST", "/api/completions/extra", 404, null, "openai", unknown],
  // Served paths, other methods: 405 with what they take.
  ["GET", "/v1/chat/completions", 405, "POST", "openai", /Use POST/],
  ["DELETE", "/v1/chat/completions", 405, "POST", "openai", /Use POST/],
  ["GET", "/v1/completions", 405, "POST", "openai", /Use POST/],
  ["PUT", "/v1/embeddings", 405, "POST", "openai", /Use POST/],
  ["POST", "/v1/models", 405, "GET", "openai", /Use GET/],
  ["DELETE", "/v1/models", 405, "GET", "openai", /Use GET/],
  ["GET", "/v1/responses", 405, "POST", "openai", /Use POST/],
  ["GET", "/v1/messages", 405, "POST", "anthropic", /Use POST/],
  ["PUT", "/v1/messages", 405, "POST", "anthropic", /Use POST/],
  ["GET", "/v1/messages/count_tokens", 405, "POST", "anthropic", /Use POST/],
  ["PUT", "/api/v1/key", 405, "GET", "openrouter", /Use GET/],
  ["POST", "/api/v1/credits", 405, "GET", "openrouter", /Use GET/],
  ["DELETE", "/api/v1/generation", 405, "GET", "openrouter", /Use GET/],
  ["DELETE", "/api/models", 405, "GET", "openai", /Use GET/],
  ["POST", "/api/auth/profile", 405, "GET", "openai", /Use GET/],
  ["GET", "/api/admin/models", 405, "POST", "openai", /Use POST/],
  ["GET", "/api/admin/providers/openai", 405, "PUT", "openai", /Use PUT/],
  ["GET", "/api/admin/providers/openai/keys", 405, "POST", "openai", /Use POST/],
  ["GET", "/api/admin/providers/openai/keys/1", 405, "PUT, DELETE", "openai", /Use PUT, DELETE/],
  ["GET", "/api/admin/providers/openai/test", 405, "POST", "openai", /Use POST/],
  ["GET", "/api/admin/providers/openai/import-models", 405, "POST", "openai", /Use POST/],
  // A base URL without /v1.
  ["POST", "/chat/completions", 404, null, "openai", addV1],
  ["GET", "/chat/completions", 404, null, "openai", addV1],
  ["POST", "/responses", 404, null, "openai", addV1],
  ["POST", "/embeddings", 404, null, "openai", addV1],
  ["POST", "/messages", 404, null, "anthropic", addV1],
];

test("the table holds at least 40 unserved method/path pairs", () => {
  expect(ROWS.length).toBeGreaterThanOrEqual(40);
});

describe.each(ROWS)("%s %s", (method, path, status, allow, shape, says) => {
  test(`answers JSON ${status} in ${shape}'s error shape`, async () => {
    const response = await fetch(`${gateway.baseUrl}${path}`, {
      method,
      // What an SDK sends; a browser's Accept must not change an API path's answer.
      headers: {
        "content-type": "application/json",
        accept: "text/html,application/xhtml+xml,*/*",
      },
      body: method === "GET" ? undefined : "{}",
    });
    const text = await response.text();
    expect(response.status, text).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("allow")).toBe(allow);
    const body = JSON.parse(text) as Record<string, unknown>;
    if (shape === "openrouter") {
      // OpenRouter's shape (ADR 038): the HTTP status as an integer code.
      expect(body).toEqual({
        error: {
          code: status,
          message: expect.stringMatching(says),
          metadata: expect.objectContaining({ gateway_code: expect.any(String) }),
        },
      });
    } else if (shape === "openai") {
      expect(body).toEqual({
        error: {
          message: expect.stringMatching(says),
          type: "invalid_request_error",
          code: expect.any(String),
          param: null,
        },
      });
    } else {
      expect(body).toEqual({
        type: "error",
        error: {
          type: status === 404 ? "not_found_error" : "invalid_request_error",
          message: expect.stringMatching(says),
        },
        request_id: null,
      });
    }
    // A 404 names the path it was asked for, so a user sees which URL their client built.
    if (status === 404) expect(text).toContain(path.replace(/\/$/, ""));
  });
});

test("an upload larger than the body limit still hears that the Files API is not offered", async () => {
  const form = new FormData();
  form.set("model", "whisper-1");
  form.set("file", new Blob([new Uint8Array(3 * 1024 * 1024)], { type: "audio/wav" }), "a.wav");
  const response = await fetch(`${gateway.baseUrl}/v1/files`, {
    method: "POST",
    body: form,
  });
  expect(response.status).toBe(404);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
    "unsupported_endpoint",
  );
});

test("a HEAD of an unknown path is a 404 with JSON headers and no body", async () => {
  const response = await fetch(`${gateway.baseUrl}/v1/anything`, { method: "HEAD" });
  expect(response.status).toBe(404);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(await response.text()).toBe("");
});

test("GET /models: the catalog page for a browser, JSON pointing to /v1/models for a client", async () => {
  const page = await fetch(`${gateway.baseUrl}/models`, {
    headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
  });
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toMatch(/^text\/html/);

  const client = await fetch(`${gateway.baseUrl}/models`, {
    headers: { accept: "application/json" },
  });
  expect(client.status).toBe(404);
  expect(await client.json()).toEqual({
    error: {
      message: expect.stringContaining("GET /v1/models"),
      type: "invalid_request_error",
      code: "missing_v1",
      param: null,
    },
  });
});

test("the SDKs show their users our message, not an HTML page", async () => {
  const openai = new OpenAI({ apiKey: "gw-any", baseURL: `${gateway.baseUrl}/v1`, maxRetries: 0 });
  await expect(openai.moderations.create({ input: "Hi" })).rejects.toMatchObject({
    status: 404,
    message: expect.stringContaining("does not offer OpenAI's Moderations API"),
  });
  await expect(
    openai.images.createVariation({
      model: "dall-e-2",
      image: await toFile(Buffer.from("png"), "a.png"),
    }),
  ).rejects.toMatchObject({ status: 404, message: expect.stringContaining("OpenAI's Images API") });
  // A base URL without /v1: the SDK's own models.list says what to change.
  const unversioned = new OpenAI({ apiKey: "gw-any", baseURL: gateway.baseUrl, maxRetries: 0 });
  await expect(unversioned.models.list()).rejects.toMatchObject({
    status: 404,
    message: expect.stringContaining("/v1"),
  });

  const anthropic = new Anthropic({ apiKey: "gw-any", baseURL: gateway.baseUrl, maxRetries: 0 });
  const batch = anthropic.messages.batches.create({
    requests: [
      {
        custom_id: "a",
        params: {
          model: "claude-sonnet-5-5",
          max_tokens: 10,
          messages: [{ role: "user", content: "Hi" }],
        },
      },
    ],
  });
  await expect(batch).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  await expect(batch).rejects.toMatchObject({
    error: { type: "error", error: { type: "not_found_error" } },
  });
});
