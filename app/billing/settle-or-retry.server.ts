import { isDatabaseUnavailable } from "../db/database-unavailable.server.ts";
import type { Logger } from "../server/logger.server.ts";
import type { Ledger, Settlement } from "./ledger.server.ts";

/** How long a settlement is retried while the database is unavailable. */
const SETTLE_RETRY_FOR_MS = 10 * 60_000;

/**
 * Books a settlement. When the database is away (restarting), the client
 * already has its answer: the charge follows, retried in the background for up
 * to ten minutes, so that none is lost. Says which happened.
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
    if (!isDatabaseUnavailable(error)) {
      settlementFailed(log, settlement, error);
      return "settlement_failed";
    }
    void settleWhenBack(ledger, log, settlement);
    return "database_unavailable";
  }
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
      if (!isDatabaseUnavailable(error)) return settlementFailed(log, settlement, error);
    }
  }
  // The request kept its cost in its hold for the retry: no retry is coming, it goes back.
  await ledger.abandon(settlement.requestId).catch(() => {});
  settlementFailed(log, settlement, new Error("the database stayed unavailable"));
}

function settlementFailed(log: Logger, settlement: Settlement, error: unknown) {
  // The hold stays until it expires; this is money we could not book, so say so loudly.
  log.error({ err: error, requestId: settlement.requestId }, "settlement failed");
}
