import { expect } from "vitest";
import { checkLedger } from "../../app/billing/ledger-check.server.ts";
import type { Prisma } from "../../app/db/prisma.server.ts";

/**
 * An account's money as the ledger left it, for the invariants tests check:
 * balance = top-ups - charges, and the keys' spend and holds add up.
 */
export async function ledgerTotals(prisma: Prisma, userId: string) {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  const topUps = await prisma.onrampTransaction.aggregate({
    where: { userId },
    _sum: { amount: true },
  });
  const charges = await prisma.conversation.aggregate({
    where: { userId },
    _sum: { cost: true },
    _count: true,
  });
  const keys = await prisma.apiKey.aggregate({
    where: { userId },
    _sum: { spent: true, reserved: true },
  });
  return {
    balance: user.balance,
    reserved: user.reserved,
    topUps: topUps._sum.amount ?? 0n,
    charges: charges._sum.cost ?? 0n,
    chargeCount: charges._count,
    keySpent: keys._sum.spent ?? 0n,
    keyReserved: keys._sum.reserved ?? 0n,
  };
}

/** Every account and key of the test database agrees with its history (what `npm run ledger:check` checks). */
export async function expectLedgerClean(prisma: Prisma) {
  expect(await checkLedger(prisma)).toEqual([]);
}
