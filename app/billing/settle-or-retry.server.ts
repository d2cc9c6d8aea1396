import { isDatabaseUnavailable } from "../db/database-unavailable.server.ts";
import type { Logger } from "../observability/logger.server.ts";
import type { Ledger } from "./ledger.server.ts";
import type { Settlement } from "./settlement.ts";

/** How long a settlement is retried while the database is unavailable. */
const SETTLE_RETRY_FOR_MS = 10 * 60_000;

/**
 * Books a settlement. When the database is away (restarting), the client
 * already has its answer: the charge follows, retried in the background for up
 * to ten minutes, so that none is lost. When the database refuses it (a value
 * it cannot store: a NUL character in the stored content, say), it is booked
 * again without what is not needed to bill it, so the charge and its usage row
 * are not lost either. Says which happened.
 */
export async function settleOrRetry(
  ledger: Ledger,
  log: Logger,
  settlement: Settlement,
): Promise<"settled" | "database_unavailable" | "settlement_failed"> {
  try {
    await ledger.settle(settlement);
    return "settled";
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      void settleWhenBack(ledger, log, settlement);
      return "database_unavailable";
    }
    return (await settleRefused(ledger, log, settlement, error)) ? "settled" : "settlement_failed";
  }
}

/** The database refused the settlement: book it without what billing does not need. */
async function settleRefused(ledger: Ledger, log: Logger, settlement: Settlement, error: unknown) {
  log.warn(
    { err: error, requestId: settlement.requestId },
    "settlement refused: booked again without its stored content",
  );
  try {
    await ledger.settle(billableOnly(settlement));
    return true;
  } catch (again) {
    settlementFailed(log, settlement, again);
    return false;
  }
}

/** What billing needs of a settlement: no stored prompt and answer, no list of failed attempts. */
function billableOnly(settlement: Settlement): Settlement {
  return { ...settlement, content: undefined, fallbacks: undefined };
}

async function settleWhenBack(ledger: Ledger, log: Logger, settlement: Settlement) {
  log.warn({ requestId: settlement.requestId }, "database unavailable: settlement will be retried");
  const givingUpAt = Date.now() + SETTLE_RETRY_FOR_MS;
  for (let wait = 250; Date.now() < givingUpAt; wait = Math.min(wait * 2, 5_000)) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      await ledger.settle(settlement);
      log.info({ requestId: settlement.requestId }, "settled after the database came back");
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) {
        await settleRefused(ledger, log, settlement, error);
        return;
      }
    }
  }
  // The request kept its cost in its hold for the retry: no retry is coming, it goes back.
  await ledger.abandon(settlement.requestId).catch(() => {});
  settlementFailed(log, settlement, new Error("the database stayed unavailable"));
}

function settlementFailed(log: Logger, settlement: Settlement, error: unknown) {
  // The request's share of the hold went back (Ledger.settle); this is money we could
  // not book, so say so loudly.
  log.error(
    { err: error, requestId: settlement.requestId, cost: String(settlement.cost) },
    "settlement failed",
  );
}
