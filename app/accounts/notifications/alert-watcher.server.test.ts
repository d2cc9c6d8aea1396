// The alert rules other than the balance's (which the two-instance process test
// crosses): each fires once per period when its measure reaches its threshold,
// and queues one alert.triggered event for the account's endpoint.
import { expect, test } from "vitest";
import { setupTestPrisma } from "#tests/support/test-prisma.ts";
import { createApiKey, createTeamAccount, createUser } from "#tests/support/factories.ts";
import type { ChangeListener } from "../../db/change-listener.server.ts";
import { createLogger } from "../../observability/logger.server.ts";
import { AlertWatcher } from "./alert-watcher.server.ts";

const { prisma } = setupTestPrisma();

const listener = { on: () => {}, onConnectionLost: () => {}, connected: true };
const watcher = () =>
  new AlertWatcher({
    prisma,
    log: createLogger("silent"),
    listener: listener as unknown as ChangeListener,
  });

async function accountWithEndpoint(accountId: string) {
  await prisma.webhookEndpoint.create({
    data: { accountId, url: "http://127.0.0.1:9/hooks", secret: "sealed", prefix: "whsec_x" },
  });
}

const alertEvents = (accountId: string) =>
  prisma.webhookDelivery.findMany({
    where: { endpoint: { accountId }, event: "alert.triggered" },
    select: { payload: true },
  });

test("a key at 80 % of its period limit fires once in that period, and again in the next", async () => {
  const user = await createUser(prisma, { credits: 10 });
  await accountWithEndpoint(user.id);
  const { apiKey } = await createApiKey(prisma, user.id);
  const periodStart = new Date("2026-12-01T00:00:00Z");
  await prisma.apiKey.update({
    where: { id: apiKey.id },
    data: { periodLimit: 1_000_000n, limitPeriod: "month", periodStart, periodSpent: 700_000n },
  });
  await prisma.alertRule.create({
    data: {
      accountId: user.id,
      kind: "key_limit_percent",
      subjectId: apiKey.id,
      threshold: 80n,
      byEmail: false,
    },
  });
  const alerts = watcher();
  await alerts.check(user.id);
  expect(await alertEvents(user.id)).toHaveLength(0); // 70 %
  await prisma.apiKey.update({ where: { id: apiKey.id }, data: { periodSpent: 800_000n } });
  await alerts.check(user.id);
  await alerts.check(user.id);
  await watcher().check(user.id); // another instance
  expect(await alertEvents(user.id)).toHaveLength(1);
  // A new month: the count starts again, and the alert may fire again.
  await prisma.apiKey.update({
    where: { id: apiKey.id },
    data: { periodStart: new Date("2027-01-01T00:00:00Z"), periodSpent: 900_000n },
  });
  await alerts.check(user.id);
  const events = await alertEvents(user.id);
  expect(events).toHaveLength(2);
  expect(events[1]!.payload).toMatchObject({
    type: "alert.triggered",
    data: { kind: "key_limit_percent", threshold: 80, value_micro_credits: "900000" },
  });
});

test("a member at their monthly limit's percent, and a day's spend over its amount, fire once each", async () => {
  const team = await createTeamAccount(prisma, { credits: 10, members: 1 });
  const member = team.members[0]!;
  await accountWithEndpoint(team.teamId);
  await prisma.teamMember.update({
    where: { teamId_userId: { teamId: team.teamId, userId: member.id } },
    data: {
      monthlyLimit: 2_000_000n,
      monthSpent: 1_000_000n,
      monthStart: new Date("2026-12-01T00:00:00Z"),
    },
  });
  const { apiKey } = await createApiKey(prisma, team.teamId, { createdById: member.id });
  await prisma.alertRule.createMany({
    data: [
      {
        accountId: team.teamId,
        kind: "member_limit_percent",
        subjectId: member.id,
        threshold: 50n,
        byEmail: false,
      },
      { accountId: team.teamId, kind: "daily_spend_over", threshold: 3_000_000n, byEmail: false },
    ],
  });
  const today = new Date(new Date().toISOString().slice(0, 10));
  await prisma.usageDay.create({
    data: {
      userId: team.teamId,
      day: today,
      apiKeyId: apiKey.id,
      modelSlug: "m",
      byok: false,
      requests: 3n,
      errors: 0n,
      cost: 2_999_999n,
      inputTokens: 0n,
      outputTokens: 0n,
      latencyMsSum: 0n,
      firstTokenMsSum: 0n,
      firstTokenCount: 0n,
    },
  });
  const alerts = watcher();
  await alerts.check(team.teamId);
  expect(
    (await alertEvents(team.teamId)).map(
      (event) => (event.payload as { data: { kind: string } }).data.kind,
    ),
  ).toEqual(["member_limit_percent"]);
  await prisma.usageDay.updateMany({ where: { userId: team.teamId }, data: { cost: 3_000_001n } });
  await alerts.check(team.teamId);
  await alerts.check(team.teamId);
  expect(
    (await alertEvents(team.teamId))
      .map((event) => (event.payload as { data: { kind: string } }).data.kind)
      .sort(),
  ).toEqual(["daily_spend_over", "member_limit_percent"]);
});
