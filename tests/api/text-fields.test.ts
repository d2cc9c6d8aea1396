// Text that PostgreSQL cannot store (a NUL, half a UTF-16 surrogate pair) is
// refused with a 400 naming its field, so a change and its audit row happen
// together or not at all; what the gateway stores itself is made storable.
// Issue #21, finding 12: a model renamed to "\ud800" answered 200, was stored
// as U+FFFD, and its audit row was lost.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { audit } from "../../app/accounts/audit-log.server.ts";
import { startSession } from "../../app/accounts/session.server.ts";
import * as modelApi from "../../app/routes/api.admin.models.$slug.ts";
import * as keysApi from "../../app/routes/api.api-keys.ts";
import * as teamsApi from "../../app/routes/api.teams.ts";
import * as adminPage from "../../app/routes/dashboard.admin.tsx";
import { setupAppDatabase } from "../support/app-database.ts";
import { createCatalogEntry, createUser } from "../support/factories.ts";

setupAppDatabase("text-fields-secret");
const BASE = "http://gateway.test";
const args = (request: Request, params: Record<string, string> = {}) =>
  ({ request, params, context: {}, unstable_pattern: "", url: new URL(request.url) }) as never;
let cookie: string;
let adminId: string;

beforeAll(async () => {
  const admin = await createUser(getAccounts().prisma, { role: "ADMIN" });
  adminId = admin.id;
  cookie = (await startSession(getAccounts(), new Request(BASE), admin.id)).split(";")[0]!;
  await createCatalogEntry(getAccounts().prisma, { modelSlug: "named" });
});

/** A JSON API call with the body as raw JSON text (JSON.stringify would not write "\ud800"). */
async function callApi(
  route: { action: (args: never) => Promise<Response> | Response },
  method: string,
  path: string,
  json: string,
  params: Record<string, string> = {},
) {
  const request = new Request(BASE + path, {
    method,
    headers: { cookie, "content-type": "application/json" },
    body: json,
  });
  const response = await route.action(args(request, params));
  // Tests read whatever JSON came back and assert on its shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: (await response.json()) as any };
}

const auditRows = (action: string) =>
  getAccounts().prisma.auditEvent.findMany({ where: { action }, orderBy: { id: "asc" } });

describe("the JSON API", () => {
  test("a model name with half a surrogate pair is a 400 naming it; the model and the audit log stay as they were", async () => {
    const refused = await callApi(
      modelApi,
      "PUT",
      "/api/admin/models/named",
      '{"name":"Half \\ud800 pair"}',
      { slug: "named" },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ param: "name", code: "invalid_request" });
    expect(refused.body.error.message).toMatch(/^name: .*surrogate/);
    const model = await getAccounts().prisma.model.findUniqueOrThrow({ where: { slug: "named" } });
    expect(model.name).not.toContain("\ufffd");
    expect(await auditRows("model_changed")).toEqual([]);

    // A name PostgreSQL can store: the change and its audit row, both.
    const renamed = await callApi(
      modelApi,
      "PUT",
      "/api/admin/models/named",
      '{"name":"Whole \\ud83d\\ude00 pair"}',
      { slug: "named" },
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body.model.name).toBe("Whole 😀 pair");
    const rows = await auditRows("model_changed");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.details).toEqual({ name: "Whole 😀 pair" });
  });

  test.each([
    ["a key name", keysApi, "/api/api-keys", '{"name":"k\\udc00"}', "name"],
    ["a team name", teamsApi, "/api/teams", '{"name":"\\ud800team"}', "name"],
    [
      "a key's allowed model",
      keysApi,
      "/api/api-keys",
      '{"name":"k","allowedModels":["\\ud800"]}',
      "allowedModels.0",
    ],
    ["an object key", keysApi, "/api/api-keys", '{"name":"k","\\ud800":1}', "\\ud800"],
  ])(
    "%s with a lone surrogate is a 400 naming the field; nothing is created",
    async (_what, route, path, json, field) => {
      const prisma = getAccounts().prisma;
      const before = [await prisma.apiKey.count(), await prisma.team.count()];
      const refused = await callApi(route, "POST", path, json);
      expect(refused.status).toBe(400);
      expect(refused.body.error.param).toBe(field);
      expect([await prisma.apiKey.count(), await prisma.team.count()]).toEqual(before);
    },
  );

  test("a NUL is still refused the same way", async () => {
    const refused = await callApi(keysApi, "POST", "/api/api-keys", '{"name":"k\\u0000"}');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      param: "name",
      message: "name: must not contain NUL characters",
    });
  });
});

describe("a dashboard form", () => {
  const grant = async (note: string, encoded?: string) => {
    const page = await adminPage.loader(
      args(new Request(`${BASE}/dashboard/admin`, { headers: { cookie } })),
    );
    const someone = await createUser(getAccounts().prisma);
    const fields = new URLSearchParams({
      intent: "grant",
      token: page.grantToken,
      email: someone.email,
      credits: "5",
      ...(encoded === undefined ? { note } : {}),
    }).toString();
    const request = new Request(`${BASE}/dashboard/admin`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: encoded === undefined ? fields : `${fields}&note=${encoded}`,
    });
    try {
      return { someone, result: await adminPage.action(args(request)) };
    } catch (thrown) {
      return { someone, result: thrown };
    }
  };

  test("a NUL in the grant's note is a 400 naming the field: nothing granted, nothing audited", async () => {
    const before = (await auditRows("credits_granted")).length;
    const { someone, result } = await grant("voucher\0");
    expect((result as { init: { status: number } }).init.status).toBe(400);
    expect(JSON.stringify(result)).toContain('The field \\"note\\" contains a NUL character');
    const user = await getAccounts().prisma.user.findUniqueOrThrow({ where: { id: someone.id } });
    expect(user.balance).toBe(someone.balance);
    expect(await auditRows("credits_granted")).toHaveLength(before);
  });

  test("bytes that are not UTF-8 (a surrogate's encoding) arrive as U+FFFD: the grant and its audit row both happen", async () => {
    // The note is sent as raw bytes ED A0 80, which no UTF-8 encoder would write.
    const { someone } = await grant("", "%ED%A0%80voucher");
    const row = await getAccounts().prisma.onrampTransaction.findFirstOrThrow({
      where: { userId: someone.id, source: "GRANT" },
    });
    expect(row.note).toBe("\ufffd\ufffd\ufffdvoucher");
    const audited = await getAccounts().prisma.auditEvent.findFirstOrThrow({
      where: { action: "credits_granted", subject: someone.id },
    });
    expect(audited.details).toMatchObject({ note: "\ufffd\ufffd\ufffdvoucher" });
  });
});

test("audit(): text PostgreSQL cannot hold is written as U+FFFD, not lost", async () => {
  const subject = randomUUID();
  await audit(getAccounts().prisma, new Request(BASE), {
    action: "model_changed",
    actorId: adminId,
    subject: `${subject}\0`,
    details: { name: "half \ud800", "key\0": "nul \0" },
  });
  const row = await getAccounts().prisma.auditEvent.findFirstOrThrow({
    where: { subject: `${subject}\ufffd` },
  });
  expect(row.details).toEqual({ name: "half \ufffd", "key\ufffd": "nul \ufffd" });
});
