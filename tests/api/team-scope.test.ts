// The JSON API acting for a team: `?team=<id>` or `X-Team: <id>` (ADR 030).
import { expect, test } from "vitest";
import { apiClient, setupApiHarness } from "../support/api-harness.ts";

const { prisma, api } = setupApiHarness({ signupCredits: 5 });

let counter = 0;
async function signedUp() {
  const client = apiClient(api.baseUrl);
  const email = `teammate${++counter}@example.test`;
  const response = await client.call("POST", "/api/auth/sign-up", {
    email,
    password: "long enough password",
  });
  expect(response.status).toBe(201);
  return { client, email, id: response.json.user.id as string };
}

test("an owner creates a team and acts for it by query parameter or header; the personal account stays apart", async () => {
  const owner = await signedUp();
  const created = await owner.client.call("POST", "/api/teams", { name: "Ops" });
  expect(created.status).toBe(201);
  const teamId = created.json.team.id as string;
  expect((await owner.client.call("GET", "/api/teams")).json.teams).toEqual([
    { id: teamId, name: "Ops", role: "owner" },
  ]);

  const topUp = await owner.client.call("POST", `/api/payments/onramp?team=${teamId}`, undefined, {
    "Idempotency-Key": "ops-1",
  });
  expect(topUp.status).toBe(201);
  const profile = await owner.client.call("GET", "/api/auth/profile", undefined, {
    "X-Team": teamId,
  });
  expect(profile.json.team).toEqual({ id: teamId, name: "Ops", role: "OWNER" });
  expect(profile.json.balance.credits).toBe("1,000.00");
  // The person's own balance did not move.
  expect((await owner.client.call("GET", "/api/auth/profile")).json.balance.credits).toBe("5.00");

  const key = await owner.client.call(
    "POST",
    "/api/api-keys",
    { name: "ops key" },
    {
      "X-Team": teamId,
    },
  );
  expect(key.status).toBe(201);
  expect(key.json.apiKey.createdBy).toBe(owner.email);
  const stored = await prisma.apiKey.findUniqueOrThrow({ where: { id: key.json.apiKey.id } });
  expect({ account: stored.userId, by: stored.createdById }).toEqual({
    account: teamId,
    by: owner.id,
  });
  expect((await owner.client.call("GET", "/api/api-keys")).json.apiKeys).toEqual([]);
  expect(
    (await owner.client.call("GET", `/api/api-keys?team=${teamId}`)).json.apiKeys.map(
      (each: { name: string }) => each.name,
    ),
  ).toEqual(["ops key"]);
});

test("roles: a viewer reads, cannot make keys or pay; a non-member gets 404 for the team", async () => {
  const owner = await signedUp();
  const teamId = (await owner.client.call("POST", "/api/teams", { name: "Read-only" })).json.team
    .id as string;
  const viewer = await signedUp();
  await prisma.teamMember.create({ data: { teamId, userId: viewer.id, role: "VIEWER" } });
  const member = await signedUp();
  await prisma.teamMember.create({ data: { teamId, userId: member.id, role: "MEMBER" } });

  expect((await viewer.client.call("GET", `/api/auth/profile?team=${teamId}`)).status).toBe(200);
  const refused = await viewer.client.call("POST", `/api/api-keys?team=${teamId}`, { name: "x" });
  expect(refused.status).toBe(403);
  expect(refused.json.error).toMatchObject({ code: "role_not_allowed" });
  expect(refused.json.error.message).toMatch(/viewer/);
  expect((await member.client.call("GET", `/api/payments?team=${teamId}`)).status).toBe(403);
  expect(
    (await member.client.call("POST", `/api/api-keys?team=${teamId}`, { name: "m" })).status,
  ).toBe(201);
  // A member sees their own keys, not the owner's.
  await owner.client.call("POST", `/api/api-keys?team=${teamId}`, { name: "owner's" });
  const seen = await member.client.call("GET", `/api/api-keys?team=${teamId}`);
  expect(seen.json.apiKeys.map((each: { name: string }) => each.name)).toEqual(["m"]);

  const outsider = await signedUp();
  for (const team of [teamId, "not-a-uuid"]) {
    const answer = await outsider.client.call("GET", `/api/api-keys?team=${team}`);
    expect(answer.status).toBe(404);
    expect(answer.json.error).toMatchObject({ code: "team_not_found", param: "team" });
  }
});
