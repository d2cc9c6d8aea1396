// A team member's role decides whether the keys they made spend (issue #21,
// finding 9, ADR 033): demoted to viewer, their keys are refused on every
// instance within a second and their running streams end; promoted back, the
// keys work again. Removal deletes the keys, which ends their streams too.
// Two real gateway processes on one database, the role changed on the Teams page.
import OpenAI from "openai";
import { expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createTeamAccount } from "../support/factories.ts";
import type { GatewayProcess } from "../support/gateway-process.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";
import { postCompletion } from "../support/completions.ts";
import { signedInCookie } from "../support/sign-in.ts";

// Whatever the tests did, every account still agrees with its history.
const { prisma, fake, gateways } = setupGatewayProcesses({
  instances: 2,
  prepare: (prisma) => createCatalogEntry(prisma, { modelSlug: "gpt-team" }),
  env: (fake) => ({ OPENAI_API_KEY: "sk-fake", OPENAI_BASE_URL: fake.baseUrl, LOG_LEVEL: "warn" }),
  checkLedger: true,
  resetFake: true,
});

/** A team with credits, its owner signed in on the first instance's pages, and a member's key. */
async function teamWithMembersKey() {
  const { teamId, owner, members } = await createTeamAccount(prisma, {
    credits: 100,
    members: 1,
    name: "Acme",
  });
  const member = members[0]!;
  const { apiKey, secret } = await createApiKey(prisma, teamId, { createdById: member.id });
  const pages = await ownersPages(gateways[0]!, owner.email, teamId);
  /** Changes the member's role (or removes them) as the owner does on the Teams page. */
  const change = async (fields: Record<string, string>) => {
    const answer = await pages.post("/dashboard/teams", { userId: member.id, ...fields });
    expect(answer.status).toBe(302);
  };
  return { teamId, member, apiKey, secret, change };
}

/** The owner's browser without a browser: signed in, switched to the team, posting forms. */
async function ownersPages(gateway: GatewayProcess, email: string, teamId: string) {
  const cookie = await signedInCookie(gateway.baseUrl, email);
  const post = (path: string, fields: Record<string, string>) =>
    fetch(gateway.baseUrl + path, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
      redirect: "manual",
    });
  expect((await post("/dashboard/switch", { account: teamId })).status).toBe(302);
  return { post };
}

const ask = (gateway: GatewayProcess, secret: string) =>
  new OpenAI({ apiKey: secret, baseURL: `${gateway.baseUrl}/v1`, maxRetries: 0 }).chat.completions
    .create({
      model: "gpt-team",
      messages: [{ role: "user", content: "Hi" }],
      max_completion_tokens: 10,
    })
    .then(
      () => ({ status: 200, code: undefined, message: "" }),
      (error: InstanceType<typeof OpenAI.APIError>) => ({
        status: error.status ?? 0,
        code: error.code,
        message: error.message,
      }),
    );

/** How long each instance took to answer `status` (Infinity after five seconds). */
async function msUntil(secret: string, status: number, since: number) {
  return Promise.all(
    gateways.map(async (gateway) => {
      while (performance.now() - since < 5000) {
        if ((await ask(gateway, secret)).status === status) return performance.now() - since;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return Infinity;
    }),
  );
}

test("a member demoted to viewer: their key is refused on every instance within a second, 403 saying why; promoted back, it works again", async () => {
  const team = await teamWithMembersKey();
  // Both instances have the key in their caches now.
  expect(
    (await Promise.all(gateways.map((g) => ask(g, team.secret)))).map((a) => a.status),
  ).toEqual([200, 200]);

  await team.change({ intent: "role", role: "VIEWER" });
  for (const elapsed of await msUntil(team.secret, 403, performance.now()))
    expect(elapsed).toBeLessThan(1000);
  const refused = await ask(gateways[1]!, team.secret);
  expect(refused).toMatchObject({ status: 403, code: "key_creator_cannot_spend" });
  expect(refused.message).toMatch(/member who made this API key is a viewer in the team now/);
  // Nothing else changed: the key is as its owner left it, so there is nothing to undo.
  expect(await prisma.apiKey.findUniqueOrThrow({ where: { id: team.apiKey.id } })).toMatchObject({
    enabled: true,
    deletedAt: null,
  });

  await team.change({ intent: "role", role: "MEMBER" });
  for (const elapsed of await msUntil(team.secret, 200, performance.now()))
    expect(elapsed).toBeLessThan(1000);
  const served = await prisma.conversation.count({
    where: { apiKeyId: team.apiKey.id, status: "SUCCESS" },
  });
  expect(served).toBeGreaterThanOrEqual(4);
});

test.each([
  ["demoted to viewer", { intent: "role", role: "VIEWER" }, "key_creator_cannot_spend"],
  ["removed", { intent: "remove" }, "key_revoked"],
] as const)(
  "a member %s mid-stream: their streams end on every instance within a second, billed for what they produced",
  async (_how, fields, code) => {
    const team = await teamWithMembersKey();
    // Twenty chunks, 150 ms apart: three seconds if nothing stops them.
    const chunks = Array.from({ length: 20 }, (_, i) => `w${i} `);
    fake.scripts.enqueue("gpt-team", { chunks, chunkDelayMs: 150 });
    fake.scripts.enqueue("gpt-team", { chunks, chunkDelayMs: 150 });
    const streams = gateways.map(async (gateway) => {
      const response = await postCompletion(gateway.baseUrl, team.secret, {
        model: "gpt-team",
        stream: true,
        max_completion_tokens: 100,
      });
      const body = await response.text();
      return { body, endedAt: performance.now() };
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await team.change(fields);
    const changedAt = performance.now();
    for (const { body, endedAt } of await Promise.all(streams)) {
      expect(endedAt - changedAt).toBeLessThan(1000);
      expect(body).toContain('"content":"w0 "');
      expect(body).not.toContain('"content":"w19 "');
      expect(body).toContain(`"type":"permission_error","code":"${code}"`);
      expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
    }
    let rows: Awaited<ReturnType<typeof prisma.conversation.findMany>> = [];
    for (let i = 0; i < 100 && rows.length < 2; i++) {
      rows = await prisma.conversation.findMany({ where: { apiKeyId: team.apiKey.id } });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ status: "ERROR", errorCode: code });
      expect(row.outputTokens).toBeGreaterThan(0);
      expect(row.outputTokens).toBeLessThan(20);
      expect(row.cost).toBeGreaterThan(0n);
    }
  },
);
