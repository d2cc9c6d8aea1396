// The Teams page's forms answer in place (ADR 048): a bad value or a team rule
// comes back to the form it was sent from, beside its field, with what was
// typed; nothing is thrown at the page's error boundary.
import { expect, test } from "vitest";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { startSession } from "../../app/accounts/session.server.ts";
import * as switcher from "../../app/routes/dashboard.switch.ts";
import * as teams from "../../app/routes/dashboard.teams.tsx";
import { setupAppDatabase } from "../support/app-database.ts";
import { createTeamAccount } from "../support/factories.ts";
import { args, get, post, statusOf } from "../support/route-calls.ts";

setupAppDatabase("teams-forms-secret");
const prisma = () => getAccounts().prisma;

async function ownerInTeam() {
  const { teamId, owner, members } = await createTeamAccount(prisma(), { members: 1 });
  const cookie = (await startSession(getAccounts(), get("/", ""), owner.id)).split(";")[0]!;
  await switcher.action(args(post("/dashboard/switch", { account: teamId }, cookie)));
  // Not `run`: a thrown answer (the whole-page error) fails the test.
  const send = async (fields: Record<string, string>) => {
    const answer = await teams.action(args(post("/dashboard/teams", fields, cookie)));
    const body = (answer as { data?: unknown }).data ?? answer;
    return {
      status: statusOf(answer),
      body: body as {
        form: string;
        result?: { error?: Record<string, string[]>; initialValue?: Record<string, unknown> };
        message?: string;
      },
    };
  };
  return { teamId, owner, member: members[0]!, send };
}

test("a bad value comes back beside its field, with what was typed", async () => {
  const { owner, member, send } = await ownerInTeam();
  const unnamed = await send({ intent: "create", name: "   " });
  expect(unnamed.status).toBe(400);
  expect(unnamed.body.form).toBe("create");
  expect(unnamed.body.result?.error).toEqual({ name: ["Give the team a name"] });

  const limit = await send({ intent: "limit", userId: member.id, monthlyLimit: "-3" });
  expect(limit.status).toBe(400);
  expect(limit.body.form).toBe(`limit-${member.id}`);
  expect(limit.body.result?.error?.monthlyLimit).toEqual([
    "At least 1 credit, or nothing for no limit",
  ]);
  expect(limit.body.result?.initialValue).toMatchObject({ monthlyLimit: "-3" });

  const invite = await send({ intent: "invite", role: "MEMBER", days: "99" });
  expect(invite.status).toBe(400);
  expect(invite.body.result?.error?.days).toEqual(["At most 30 days"]);
  expect(invite.body.result?.initialValue).toMatchObject({ role: "MEMBER", days: "99" });

  const role = await send({ intent: "role", userId: owner.id, role: "BOSS" });
  expect(role.body.result?.error?.role).toEqual(["Pick a role"]);

  const unconfirmed = await send({ intent: "delete" });
  expect(unconfirmed.status).toBe(400);
  expect(unconfirmed.body.result?.error?.confirm).toEqual(["Tick the box to confirm"]);
});

test("a team rule comes back to the form that broke it: the last owner cannot step down or leave", async () => {
  const { owner, send } = await ownerInTeam();
  const stepDown = await send({ intent: "role", userId: owner.id, role: "ADMIN" });
  expect(stepDown.status).toBe(409);
  expect(stepDown.body.form).toBe(`role-${owner.id}`);
  expect(stepDown.body.result?.error?.[""]).toEqual([
    "A team needs an owner: make another member owner first (or delete the team).",
  ]);
  const leave = await send({ intent: "leave" });
  expect(leave.status).toBe(409);
  expect(leave.body).toEqual({
    form: "leave",
    message: "A team needs an owner: make another member owner first (or delete the team).",
  });
  const remove = await send({ intent: "remove", userId: owner.id });
  expect(remove.status).toBe(409);
  expect(remove.body.form).toBe(`remove-${owner.id}`);
});

test("what the page after a good create shows: the team, and a form to start again", async () => {
  const { send } = await ownerInTeam();
  const created = await send({ intent: "create", name: "  Violet  " });
  expect(created.status).toBe(200);
  expect(created.body).toMatchObject({ form: "create", created: { name: "Violet" } });
  expect(created.body.result?.initialValue).toBeNull();
});
