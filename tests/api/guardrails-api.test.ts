// Guardrails through the JSON API (ADR 067): a key's, set at creation or later;
// a team's, by its owners and admins; patterns that cannot run in linear time
// refused with the field they are in; a member may not change their key's.
import { expect, test } from "vitest";
import { apiClient, setupApiHarness } from "../support/api-harness.ts";

const { prisma, api } = setupApiHarness();

let counter = 0;
async function signedUp() {
  const client = apiClient(api.baseUrl);
  const email = `guard${++counter}@example.test`;
  const response = await client.call("POST", "/api/auth/sign-up", {
    email,
    password: "long enough password",
  });
  expect(response.status).toBe(201);
  return { client, id: response.json.user.id as string };
}

const POLICY = {
  deniedProviders: ["google"],
  maxTokens: 500,
  maxPrice: { prompt: 5, completion: 20 },
  contentRules: [
    { name: "email", pattern: "email", action: "redact" },
    { name: "project-x", pattern: "project[ -]x", action: "block" },
  ],
};

test("a key's guardrails: set at creation, read back, changed, removed with null, audited", async () => {
  const { client } = await signedUp();
  const created = await client.call("POST", "/api/api-keys", {
    name: "guarded",
    guardrails: POLICY,
  });
  expect(created.status).toBe(201);
  expect(created.json.apiKey.guardrails).toEqual(POLICY);
  const id = created.json.apiKey.id as string;
  const stored = () => prisma.apiKey.findUniqueOrThrow({ where: { id } });
  expect((await stored()).guardrails).toEqual(POLICY);

  const stricter = { ...POLICY, allowedProviders: ["openai"] };
  expect((await client.call("PUT", "/api/api-keys", { id, guardrails: stricter })).status).toBe(
    200,
  );
  expect((await stored()).guardrails).toEqual(stricter);
  expect((await client.call("PUT", "/api/api-keys", { id, guardrails: null })).status).toBe(200);
  expect((await stored()).guardrails).toBeNull();
  const events = await prisma.auditEvent.findMany({
    where: { action: "key_rules_changed", subject: id },
    orderBy: { id: "asc" },
  });
  const logged = events.map((event) => (event.details as { guardrails: string | null }).guardrails);
  expect(logged.map((policy) => policy && JSON.parse(policy))).toEqual([stricter, null]);
});

test.each([
  [
    { contentRules: [{ name: "x", pattern: "(a)\\1", action: "block" }] },
    "guardrails.contentRules[0].pattern: The pattern of rule 'x' cannot run in linear time",
  ],
  [
    { contentRules: [{ name: "x", pattern: "(?<=a)b", action: "redact" }] },
    "guardrails.contentRules[0].pattern: The pattern of rule 'x' cannot run in linear time",
  ],
  [
    { contentRules: [{ name: "x", pattern: "([a-z", action: "block" }] },
    "guardrails.contentRules[0].pattern: is not a valid regular expression",
  ],
  [
    { contentRules: [{ name: "x", pattern: "a", action: "delete" }] },
    'guardrails.contentRules[0].action: must be "block" or "redact"',
  ],
  [
    { contentRules: [{ name: "Bad Name", pattern: "a", action: "block" }] },
    "guardrails.contentRules[0].name: must be 1-40 lowercase letters",
  ],
  [{ maxTokens: 0 }, "guardrails.maxTokens: must be at least 1"],
  [{ maxPrice: { prompt: -1 } }, "guardrails.maxPrice.prompt: must not be negative"],
  [{ allowedProviders: ["Open AI"] }, "guardrails.allowedProviders[0]: must be provider slugs"],
])("guardrails %j are a 400 naming the field", async (guardrails, message) => {
  const { client } = await signedUp();
  const response = await client.call("POST", "/api/api-keys", { name: "k", guardrails });
  expect(response.status).toBe(400);
  expect(response.json.error.message).toContain(message);
  expect(await prisma.apiKey.count({ where: { name: "k" } })).toBe(0);
});

test("a team's guardrails: owners and admins set them, members read them and may not change their key's", async () => {
  const owner = await signedUp();
  const member = await signedUp();
  const teamId = (await owner.client.call("POST", "/api/teams", { name: "Guarded" })).json.team
    .id as string;
  await prisma.teamMember.create({ data: { teamId, userId: member.id, role: "MEMBER" } });
  const path = `/api/teams/guardrails?team=${teamId}`;

  expect((await owner.client.call("GET", path)).json).toEqual({ guardrails: null });
  const set = await owner.client.call("PUT", path, { guardrails: POLICY });
  expect(set.status).toBe(200);
  expect((await member.client.call("GET", path)).json).toEqual({ guardrails: POLICY });
  const refused = await member.client.call("PUT", path, { guardrails: null });
  expect(refused.status).toBe(403);
  expect(refused.json.error.code).toBe("role_not_allowed");
  expect(
    (await prisma.team.findUniqueOrThrow({ where: { accountId: teamId } })).guardrails,
  ).toEqual(POLICY);
  expect((await owner.client.call("GET", "/api/teams/guardrails")).json.error.code).toBe(
    "team_required",
  );

  const made = await member.client.call("POST", `/api/api-keys?team=${teamId}`, {
    name: "mine",
    guardrails: { maxTokens: 100 },
  });
  expect(made.status).toBe(201);
  const loosened = await member.client.call("PUT", `/api/api-keys?team=${teamId}`, {
    id: made.json.apiKey.id,
    guardrails: null,
  });
  expect(loosened.status).toBe(403);
  expect(loosened.json.error).toMatchObject({
    code: "key_rule_loosening_not_allowed",
    param: "guardrails",
  });
  expect(loosened.json.error.message).toContain("changing its guardrails");
  const audited = await prisma.auditEvent.findFirstOrThrow({
    where: { action: "team_guardrails_changed", subject: teamId },
  });
  expect(audited.details).toEqual({ guardrails: JSON.stringify(POLICY) });
});
