import { z } from "zod";
import type { Prisma } from "../../db/prisma.server.ts";
import { creditsToMicro, formatMoney } from "../../utils/money.ts";
import { ALERT_KINDS, type AlertKind } from "./notification-kinds.ts";

// An account's spend alerts (ADR 068), as the JSON API and the dashboard take
// them. Amounts are credits; percents are of the key's limit (its period limit
// when it has one, else its credit limit) or of the member's monthly limit.

export { ALERT_KINDS, type AlertKind } from "./notification-kinds.ts";

/** At most this many rules per account. */
export const MAX_RULES = 50;

const credits = z
  .number({ error: "must be a number of credits" })
  .int("must be a whole number of credits")
  .min(1, "must be at least 1")
  .max(1_000_000_000);
const percent = z
  .number({ error: "must be a percent" })
  .int("must be a whole percent")
  .min(1, "must be at least 1")
  .max(100, "must be at most 100");
const email = z.boolean({ error: "must be true or false" }).default(true);

export const AlertRuleSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("balance_below"), credits, email }),
    z.object({ kind: z.literal("daily_spend_over"), credits, email }),
    z.object({
      kind: z.literal("key_limit_percent"),
      keyId: z.uuid("must be a key id"),
      percent,
      email,
    }),
    z.object({
      kind: z.literal("member_limit_percent"),
      memberId: z.uuid("must be a member's user id"),
      percent,
      email,
    }),
  ],
  { error: `kind must be one of ${ALERT_KINDS.join(", ")}` },
);
export type AlertRuleInput = z.infer<typeof AlertRuleSchema>;

/** The rule's subject is not the account's: a 400 naming the field. */
export class AlertSubjectError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export async function createAlertRule(prisma: Prisma, accountId: string, input: AlertRuleInput) {
  if ((await prisma.alertRule.count({ where: { accountId } })) >= MAX_RULES)
    throw new AlertSubjectError("kind", `An account has at most ${MAX_RULES} alerts`);
  if (input.kind === "key_limit_percent") {
    const key = await prisma.apiKey.findFirst({
      where: { id: input.keyId, userId: accountId, deletedAt: null },
      select: { id: true },
    });
    if (!key) throw new AlertSubjectError("keyId", "No such key in this account");
  }
  if (input.kind === "member_limit_percent") {
    const member = await prisma.teamMember.findUnique({
      where: { teamId_userId: { teamId: accountId, userId: input.memberId } },
      select: { userId: true },
    });
    if (!member) throw new AlertSubjectError("memberId", "No such member of this team");
  }
  return prisma.alertRule.create({
    data: {
      accountId,
      kind: input.kind,
      subjectId:
        input.kind === "key_limit_percent"
          ? input.keyId
          : input.kind === "member_limit_percent"
            ? input.memberId
            : null,
      threshold: "credits" in input ? creditsToMicro(input.credits) : BigInt(input.percent),
      byEmail: input.email,
    },
  });
}

export function listAlertRules(prisma: Prisma, accountId: string) {
  return prisma.alertRule.findMany({
    where: { accountId },
    orderBy: { createdAt: "asc" },
    include: { firings: { orderBy: { firedAt: "desc" }, take: 1 } },
  });
}

export async function deleteAlertRule(prisma: Prisma, accountId: string, id: string) {
  const { count } = await prisma.alertRule.deleteMany({ where: { id, accountId } });
  return count === 1;
}

/** A rule in words: "balance under 50.00 credits ($0.50)", "key ci at 80 % of its limit". */
export function describeAlertRule(
  rule: { kind: string; threshold: bigint; subjectId: string | null },
  /** The key's name or the member's e-mail, where the caller knows it. */
  subjectName: string | null | undefined = rule.subjectId,
) {
  switch (rule.kind as AlertKind) {
    case "balance_below":
      return `balance under ${formatMoney(rule.threshold)}`;
    case "daily_spend_over":
      return `more than ${formatMoney(rule.threshold)} spent in a UTC day`;
    case "key_limit_percent":
      return `key ${subjectName} at ${rule.threshold} % of its limit`;
    case "member_limit_percent":
      return `member ${subjectName} at ${rule.threshold} % of their monthly limit`;
  }
}
