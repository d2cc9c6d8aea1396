// A key's rules on a team account (issue #21, finding 8): a member may make
// their own key stricter, never looser; owners and admins may loosen any key.
// On a personal account nothing changes.
import { beforeAll, expect, test } from "vitest";
import { apiClient, setupApiHarness } from "../support/api-harness.ts";
import { createCatalogEntry } from "../support/factories.ts";

const { prisma, api } = setupApiHarness();

// An allowlist may name only models the catalog has (issue #24).
beforeAll(async () => {
  for (const modelSlug of ["model-a", "model-b", "model-c"])
    await createCatalogEntry(prisma, { modelSlug });
});

let counter = 0;
async function signedUp() {
  const client = apiClient(api.baseUrl);
  const email = `rules${++counter}@example.test`;
  const response = await client.call("POST", "/api/auth/sign-up", {
    email,
    password: "long enough password",
  });
  expect(response.status).toBe(201);
  return { client, email, id: response.json.user.id as string };
}

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** A team "Acme" with an owner, an admin and a member, and a key the member made in it. */
async function teamWithMemberKey() {
  const owner = await signedUp();
  const teamId = (await owner.client.call("POST", "/api/teams", { name: "Acme" })).json.team
    .id as string;
  const admin = await signedUp();
  const member = await signedUp();
  await prisma.teamMember.createMany({
    data: [
      { teamId, userId: admin.id, role: "ADMIN" },
      { teamId, userId: member.id, role: "MEMBER" },
    ],
  });
  const made = await member.client.call("POST", `/api/api-keys?team=${teamId}`, { name: "mine" });
  expect(made.status).toBe(201);
  const keyId = made.json.apiKey.id as string;
  const put = (who: { client: ReturnType<typeof apiClient> }, change: Record<string, unknown>) =>
    who.client.call("PUT", `/api/api-keys?team=${teamId}`, { id: keyId, ...change });
  const stored = () => prisma.apiKey.findUniqueOrThrow({ where: { id: keyId } });
  return { owner, admin, member, teamId, keyId, put, stored };
}

const OWNERS_RULES = {
  periodLimit: 50,
  limitPeriod: "month",
  allowedModels: ["model-a", "model-b"],
  rpmLimit: 10,
  tpmLimit: 1000,
  expiresAt: inDays(30),
};

test("a member cannot remove or raise the limits an owner set on their key: a 403 naming each rule, and the limits stay", async () => {
  const team = await teamWithMemberKey();
  expect((await team.put(team.owner, OWNERS_RULES)).status).toBe(200);
  const before = await team.stored();
  expect(before.periodLimit).toBe(50_000_000n);

  const loosenings: [Record<string, unknown>, string, RegExp][] = [
    [{ periodLimit: null }, "periodLimit", /removing its monthly credit limit/],
    [{ periodLimit: 60, limitPeriod: "month" }, "periodLimit", /raising its monthly credit limit/],
    [{ periodLimit: 50, limitPeriod: "day" }, "limitPeriod", /from monthly to daily/],
    [{ allowedModels: [] }, "allowedModels", /allowing every model/],
    [{ allowedModels: ["model-a", "model-c"] }, "allowedModels", /adding model-c/],
    [{ rpmLimit: null }, "rpmLimit", /removing its requests-per-minute limit/],
    [{ rpmLimit: 11 }, "rpmLimit", /raising its requests-per-minute limit from 10 to 11/],
    [{ tpmLimit: null }, "tpmLimit", /removing its tokens-per-minute limit/],
    [{ tpmLimit: 5000 }, "tpmLimit", /raising its tokens-per-minute limit/],
    [{ expiresAt: null }, "expiresAt", /removing its expiry/],
    [{ expiresAt: inDays(60) }, "expiresAt", /moving its expiry later/],
  ];
  for (const [change, param, named] of loosenings) {
    const answer = await team.put(team.member, change);
    expect({ change, status: answer.status, error: answer.json.error }).toMatchObject({
      status: 403,
      error: { type: "permission_error", code: "key_rule_loosening_not_allowed", param },
    });
    expect(answer.json.error.message).toMatch(named);
    expect(answer.json.error.message).toMatch(
      /Only owners and admins of Acme may loosen a key's rules \(you are a member\)/,
    );
  }
  // Several at once: every one is named, and nothing of the change is written.
  const several = await team.put(team.member, { rpmLimit: 5, periodLimit: null, tpmLimit: null });
  expect(several.status).toBe(403);
  expect(several.json.error.message).toMatch(/monthly credit limit.*tokens-per-minute/);
  expect(await team.stored()).toEqual(before);
});

test("a member may make their key stricter: lower limits, fewer models, an earlier expiry, disabled, content logged", async () => {
  const team = await teamWithMemberKey();
  // Adding limits to a key that has none is stricter too.
  expect((await team.put(team.member, OWNERS_RULES)).status).toBe(200);
  const stricter = {
    periodLimit: 40,
    limitPeriod: "month",
    allowedModels: ["model-b"],
    rpmLimit: 5,
    tpmLimit: 500,
    expiresAt: inDays(10),
  };
  expect((await team.put(team.member, stricter)).status).toBe(200);
  // The same rules again are no loosening (the dashboard's form sends every rule).
  expect((await team.put(team.member, stricter)).status).toBe(200);
  expect((await team.put(team.member, { enabled: false, logContent: true })).status).toBe(200);
  expect(await team.stored()).toMatchObject({
    periodLimit: 40_000_000n,
    limitPeriod: "month",
    allowedModels: ["model-b"],
    rpmLimit: 5,
    tpmLimit: 500,
    enabled: false,
    logContent: true,
  });
  // Undoing them is loosening, even their own: enabling, stopping content logging, raising.
  for (const [change, named] of [
    [{ enabled: true }, /enabling it/],
    [{ logContent: false }, /turning its content logging off/],
    [{ periodLimit: 50, limitPeriod: "month" }, /raising its monthly credit limit/],
  ] as const) {
    const answer = await team.put(team.member, change);
    expect(answer.status).toBe(403);
    expect(answer.json.error.message).toMatch(named);
  }
});

test("owners and admins loosen or remove any rule of a member's key", async () => {
  const team = await teamWithMemberKey();
  expect((await team.put(team.owner, { ...OWNERS_RULES, enabled: false })).status).toBe(200);
  const cleared = {
    periodLimit: null,
    allowedModels: [],
    rpmLimit: null,
    tpmLimit: null,
    expiresAt: null,
    enabled: true,
    logContent: false,
  };
  expect((await team.put(team.admin, cleared)).status).toBe(200);
  expect(await team.stored()).toMatchObject({
    periodLimit: null,
    limitPeriod: null,
    allowedModels: [],
    rpmLimit: null,
    tpmLimit: null,
    expiresAt: null,
    enabled: true,
  });
  expect((await team.put(team.owner, OWNERS_RULES)).status).toBe(200);
  expect((await team.put(team.owner, { ...cleared, rpmLimit: 100 })).status).toBe(200);
});

test("on a personal account its owner loosens their own keys as before", async () => {
  const person = await signedUp();
  const made = await person.client.call("POST", "/api/api-keys", { name: "own", ...OWNERS_RULES });
  expect(made.status).toBe(201);
  const id = made.json.apiKey.id as string;
  expect((await person.client.call("PUT", "/api/api-keys", { id, enabled: false })).status).toBe(
    200,
  );
  const loosened = await person.client.call("PUT", "/api/api-keys", {
    id,
    periodLimit: null,
    allowedModels: [],
    rpmLimit: null,
    tpmLimit: null,
    expiresAt: null,
    enabled: true,
  });
  expect(loosened.status).toBe(200);
  expect(await prisma.apiKey.findUniqueOrThrow({ where: { id } })).toMatchObject({
    periodLimit: null,
    allowedModels: [],
    rpmLimit: null,
    enabled: true,
  });
});
