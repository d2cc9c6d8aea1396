// The request log: filters, keyset pagination that neither skips nor repeats,
// ownership, the streamed CSV export, and plans that stay index-only at scale.
import { beforeAll, describe, expect, test } from "vitest";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { startSession } from "../../app/accounts/session.server.ts";
import * as csvRoute from "../../app/routes/dashboard.usage.csv.ts";
import * as usageRoute from "../../app/routes/dashboard.usage.tsx";
import * as requestRoute from "../../app/routes/dashboard.usage.$id.tsx";
import { usagePageSql } from "../../app/usage/usage-query.server.ts";
import { setupAppDatabase } from "../support/app-database.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { rebuildUsageDays } from "../../app/usage/usage-days.server.ts";

const db = setupAppDatabase("usage-test-secret");
const BASE = "http://gateway.test";
const args = (request: Request) => ({ request, params: {}, context: {} }) as never;
let alice: { id: string; cookie: string; keys: string[] };
let bob: { id: string; cookie: string; keys: string[] };

async function person() {
  const { prisma } = getAccounts();
  const user = await createUser(prisma);
  const keys = [
    (await createApiKey(prisma, user.id, { name: "=cmd|calc" })).apiKey.id,
    (await createApiKey(prisma, user.id)).apiKey.id,
  ];
  const cookie = (await startSession(getAccounts(), new Request(BASE), user.id)).split(";")[0]!;
  return { id: user.id, cookie, keys };
}

// `count` rows; timestamps repeat in groups of three to exercise the id tie-break.
async function insertRows(
  userId: string,
  keyIds: string[],
  mappingId: number,
  count: number,
  start = 0,
) {
  await db.pool.query(
    `INSERT INTO conversations (request_id, user_id, api_key_id, mapping_id, model_slug, provider_slug, upstream_model,
       endpoint, stream, status, usage_source, input_tokens, output_tokens, cost, input_price, cached_input_price,
       output_price, latency_ms, created_at, byok)
     SELECT 'r-' || $1::text || '-' || g, $1::uuid, ($2::uuid[])[1 + g % 2], $3,
            CASE WHEN g % 3 = 0 THEN 'model-b' ELSE 'model-a' END, 'openai', 'up', '/v1/chat/completions', true,
            (CASE WHEN g % 5 = 0 THEN 'ERROR' ELSE 'SUCCESS' END)::"ConversationStatus", 'REPORTED',
            10, 5, 1000 + g, 1, 1, 1, 20, timestamptz '2026-11-01 00:00:00+00' + ((g / 3) * interval '1 hour'),
            g % 7 = 0
     FROM generate_series($4::int, $4::int + $5::int - 1) AS g`,
    [userId, keyIds, mappingId, start, count],
  );
  await rebuildUsageDays(db.pool, [userId]);
}

beforeAll(async () => {
  const { mapping } = await createCatalogEntry(getAccounts().prisma, { modelSlug: "model-a" });
  await createCatalogEntry(getAccounts().prisma, { modelSlug: "model-b" });
  alice = await person();
  bob = await person();
  await insertRows(alice.id, alice.keys, mapping.id, 130);
  await insertRows(bob.id, bob.keys, mapping.id, 20);
});

const load = (who: { cookie: string }, query = "") =>
  usageRoute.loader(
    args(new Request(`${BASE}/dashboard/usage${query}`, { headers: { cookie: who.cookie } })),
  );

async function allPages(who: { cookie: string }, filters = "") {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await load(who, `?${filters}${cursor ? `&cursor=${cursor}` : ""}`);
    ids.push(...page.rows.map((row) => row.id));
    if (!page.nextCursor) return { ids, pages: pages + 1 };
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

describe("usage log", () => {
  test("pages of 50, newest first, every row exactly once", async () => {
    const { ids, pages } = await allPages(alice);
    expect(pages).toBe(3);
    expect(ids).toHaveLength(130);
    expect(new Set(ids).size).toBe(130);
    const { rows } = await db.pool.query<{ id: string }>(
      "SELECT id::text FROM conversations WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
      [alice.id],
    );
    expect(ids).toEqual(rows.map((row) => row.id));
  });

  test.each([
    ["key", () => `key=${alice.keys[0]}`, 65],
    ["model", () => "model=model-b", 44],
    ["status", () => "status=ERROR", 26],
    ["date range", () => "from=2026-11-01&to=2026-11-01", 72],
    ["model and status", () => "model=model-b&status=ERROR", 9],
    ["own provider keys (BYOK)", () => "byok=true", 19],
    ["the gateway's provider keys", () => "byok=false", 111],
  ])("filters by %s", async (_name, filters, expected) => {
    expect((await allPages(alice, filters())).ids).toHaveLength(expected);
  });

  test("the last 30 days apart: requests on the user's own keys (BYOK) and on the gateway's", async () => {
    const { mapping } = await createCatalogEntry(getAccounts().prisma, {
      modelSlug: "model-recent",
    });
    const carol = await person();
    await db.pool.query(
      `INSERT INTO conversations (request_id, user_id, api_key_id, mapping_id, model_slug, provider_slug,
         upstream_model, endpoint, stream, status, usage_source, input_tokens, output_tokens, cost,
         input_price, cached_input_price, output_price, latency_ms, created_at, byok)
       SELECT 'recent-' || g, $1::uuid, $2::uuid, $3, 'model-recent', 'openai', 'up', '/v1/chat/completions',
              false, 'SUCCESS', 'REPORTED', 10, 5, CASE WHEN g <= 2 THEN 0 ELSE 250000 END, 1, 1, 1, 20,
              now() - g * interval '1 day', g <= 2
       FROM generate_series(1, 5) AS g`,
      [carol.id, carol.keys[0], mapping.id],
    );
    await rebuildUsageDays(db.pool, [carol.id]);
    const page = await load(carol);
    expect(page.lastMonth).toEqual({
      own: { requests: 2, cost: "0.00 credits ($0.00)" },
      gateway: { requests: 3, cost: "0.75 credits ($0.01)" },
    });
    expect(page.rows.filter((row) => row.byok)).toHaveLength(2);
  });

  test("shows only the signed-in user's requests, whatever the filters say", async () => {
    expect((await allPages(bob)).ids).toHaveLength(20);
    expect((await allPages(alice, `key=${bob.keys[0]}`)).ids).toHaveLength(0);
  });

  test("ignores malformed filters instead of failing", async () => {
    const page = await load(alice, "?key=nope&status=WHATEVER&from=yesterday&cursor=x");
    expect(page.rows).toHaveLength(50);
    expect(page.filters).toEqual({});
    // Values PostgreSQL could not take: a NUL in the model, a cursor past any date or bigint.
    for (const query of [
      "?model=a%00b",
      "?cursor=99999999999999999999999.1",
      "?cursor=1.99999999999999999999999",
    ]) {
      const first = await load(alice, query);
      expect(first.rows).toHaveLength(50);
      expect(first.filters).toEqual({});
    }
  });

  test("exports the filtered rows as CSV, quoting what a spreadsheet would run", async () => {
    const response = (await csvRoute.loader(
      args(
        new Request(`${BASE}/dashboard/usage.csv?model=model-b&cursor=1.1`, {
          headers: { cookie: alice.cookie },
        }),
      ),
    )) as Response;
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="usage-/);
    const lines = (await response.text()).trimEnd().split("\n");
    expect(lines[0]).toBe(
      "time,model,provider,key,input_tokens,cached_input_tokens,output_tokens,units,unit,cost_credits,cost_micro_credits,latency_ms,time_to_first_token_ms,status,usage,byok",
    );
    expect(lines).toHaveLength(1 + 44);
    expect(lines.slice(1).every((line) => line.includes(",model-b,"))).toBe(true);
    expect(lines.join("\n")).toMatch(/,'=cmd\|calc \(gw-/);
  });
});

describe("a request's page", () => {
  test("its tokens, the price snapshot and the arithmetic to the charge, timing, content; another user's is a 404", async () => {
    const { mapping } = await createCatalogEntry(getAccounts().prisma, {
      modelSlug: "model-detail",
    });
    const dana = await person();
    const [{ id }] = (
      await db.pool.query<{ id: string }>(
        `INSERT INTO conversations (request_id, user_id, api_key_id, mapping_id, model_slug, provider_slug,
           upstream_model, endpoint, stream, status, finish_reason, usage_source, input_tokens,
           cached_input_tokens, output_tokens, reasoning_tokens, cost, input_price, cached_input_price,
           output_price, latency_ms, time_to_first_token_ms, prompt, response)
         VALUES ('detail-1', $1, $2, $3, 'model-detail', 'openai', 'gpt-up', '/v1/chat/completions', true,
           'SUCCESS', 'stop', 'REPORTED', 1200, 300, 500, 100, 6460, 2000000, 200000, 8000000, 840, 120,
           '{"messages":[{"role":"user","content":"Hi"}]}', 'Hello there')
         RETURNING id::text`,
        [dana.id, dana.keys[0], mapping.id],
      )
    ).rows as [{ id: string }];
    const load = (who: { cookie: string }, requestId: string) =>
      requestRoute.loader({
        request: new Request(`${BASE}/dashboard/usage/${requestId}`, {
          headers: { cookie: who.cookie },
        }),
        params: { id: requestId },
        context: {},
      } as never);
    const detail = await load(dana, id);
    expect(detail).toMatchObject({
      requestId: "detail-1",
      model: "model-detail",
      upstreamModel: "gpt-up",
      status: "success",
      finishReason: "stop",
      latencyMs: 840,
      ttftMs: 120,
      reasoningTokens: 100,
      charged: "0.0065 credits ($0.000065)",
      computed: "0.0065 credits ($0.000065)",
      capped: false,
      content: { response: "Hello there" },
    });
    // 1200 × 2 + 300 × 0.2 + 500 × 8 credits per 1M tokens, each rounded up to a µcr
    // (2,400 + 60 + 0 + 4,000 µcr), shown to the ten-thousandth of a credit (ADR 049).
    expect(detail.arithmetic).toEqual([
      { kind: "Input", tokens: 1200, price: "$0.02", cost: "0.0024 credits ($0.000024)" },
      { kind: "Cached input", tokens: 300, price: "$0.002", cost: "0.0001 credits ($0.000001)" },
      { kind: "Cache writes", tokens: 0, price: "$0.02", cost: "0.0000 credits ($0.000000)" },
      { kind: "Output", tokens: 500, price: "$0.08", cost: "0.0040 credits ($0.000040)" },
    ]);
    for (const [who, requestId] of [
      [alice, id],
      [dana, "not-a-number"],
      [dana, "99999999999"],
    ] as const) {
      const refused = await Promise.resolve(load(who, requestId)).catch((error: unknown) => error);
      expect((refused as { init?: { status?: number } }).init?.status).toBe(404);
    }

    // A media request (ADR 072): its units at their price, no tokens.
    const [{ id: speechId }] = (
      await db.pool.query<{ id: string }>(
        `INSERT INTO conversations (request_id, user_id, api_key_id, mapping_id, model_slug, provider_slug,
           upstream_model, endpoint, stream, status, usage_source, cost, input_price, cached_input_price,
           output_price, latency_ms, unit, units, unit_price)
         VALUES ('detail-2', $1, $2, $3, 'model-detail', 'openai', 'tts-1', '/v1/audio/speech', true,
           'SUCCESS', 'ESTIMATED', 64500, 0, 0, 0, 300, 'character', 43, 1500000000)
         RETURNING id::text`,
        [dana.id, dana.keys[0], mapping.id],
      )
    ).rows as [{ id: string }];
    const speech = await load(dana, speechId);
    // 43 characters at US$15 per 1M: 43 × 1,500,000,000 / 1,000,000 = 64,500 µcr.
    expect(speech.arithmetic).toEqual([
      {
        kind: "Characters",
        tokens: 43,
        price: "$15.00 per 1M characters",
        cost: "0.0645 credits ($0.000645)",
      },
    ]);
    expect(speech).toMatchObject({ computed: "0.0645 credits ($0.000645)", capped: false });

    // A chat whose images are priced apart (ADR 073): its image tokens out of the output, on a line of their own.
    const [{ id: imageId }] = (
      await db.pool.query<{ id: string }>(
        `INSERT INTO conversations (request_id, user_id, api_key_id, mapping_id, model_slug, provider_slug,
           upstream_model, endpoint, stream, status, usage_source, input_tokens, output_tokens, cost,
           input_price, cached_input_price, output_price, latency_ms, unit, units, unit_price)
         VALUES ('detail-3', $1, $2, $3, 'model-detail', 'google', 'flash-image', '/v1/chat/completions',
           false, 'SUCCESS', 'REPORTED', 20, 1295, 3871850, 30000000, 3000000, 250000000, 300,
           'image_output_token', 1290, 3000000000)
         RETURNING id::text`,
        [dana.id, dana.keys[0], mapping.id],
      )
    ).rows as [{ id: string }];
    const image = await load(dana, imageId);
    // 20 × US$0.30 + 5 × US$2.50 + 1,290 × US$30 per 1M tokens = 600 + 1,250 + 3,870,000 µcr.
    expect(image.arithmetic).toEqual([
      { kind: "Input", tokens: 20, price: "$0.30", cost: "0.0006 credits ($0.000006)" },
      { kind: "Cached input", tokens: 0, price: "$0.03", cost: "0.0000 credits ($0.000000)" },
      { kind: "Cache writes", tokens: 0, price: "$0.30", cost: "0.0000 credits ($0.000000)" },
      { kind: "Output", tokens: 5, price: "$2.50", cost: "0.0013 credits ($0.000013)" },
      { kind: "Image output", tokens: 1290, price: "$30.00", cost: "3.8700 credits ($0.038700)" },
    ]);
    expect(image).toMatchObject({ computed: "3.8719 credits ($0.038719)", capped: false });
  });
});

describe("at scale", () => {
  test("every page query walks an index in order: no sort, whatever the depth", async () => {
    const { mapping } = await createCatalogEntry(getAccounts().prisma, {
      modelSlug: "model-scale",
    });
    const heavy = await person();
    await insertRows(heavy.id, heavy.keys, mapping.id, 200_000);
    await db.pool.query("ANALYZE conversations");
    for (const filters of [
      {},
      { model: "model-a" },
      { status: "ERROR" as const },
      { key: heavy.keys[0] },
      { cursor: `${Date.parse("2026-12-15T00:00:00Z")}.150000` },
    ]) {
      const { text, values } = usagePageSql(heavy.id, filters, 51);
      const { rows } = await db.pool.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
      const plan = JSON.stringify(rows[0]["QUERY PLAN"]);
      expect(plan, JSON.stringify(filters)).not.toContain('"Node Type":"Sort"');
      expect(plan).toMatch(
        /"Index Name":"conversations_(user_id|api_key_id)_[a-z_]*created_at_id_idx"/,
      );
    }
  }, 120_000);
});
