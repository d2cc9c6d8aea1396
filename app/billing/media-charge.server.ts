import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import { EMPTY_USAGE } from "../llm/parts.ts";
import type { Logger } from "../observability/logger.server.ts";
import type { Settlement } from "./settlement.ts";
import { settleCharge, settlementOf, type ChargedRequest } from "./charge.server.ts";
import type { Ledger } from "./ledger.server.ts";

/** A media request's bill (ADR 072): its units, what it costs us and what the provider charges. */
export interface MediaBill {
  /** "image", "character", "second". */
  unit: string;
  units: number;
  /** The price the units are charged at (per image, per 1M characters, per minute). */
  unitPrice: bigint;
  cost: bigint;
  providerCost: bigint;
  usageSource: Settlement["usageSource"];
}

/**
 * Books a media request once: no tokens, its units and their cost (never more than the
 * hold: the request's own bound decided it), its status and error.
 */
export async function settleMedia(
  ledger: Ledger,
  log: Logger,
  request: ChargedRequest & { model: string },
  route: RouteOption,
  bill: MediaBill,
  ending: { status: Settlement["status"]; errorCode: string | null },
) {
  const capped = bill.cost > request.heldAmount;
  const cost = capped ? request.heldAmount : bill.cost;
  const settlement: Settlement = {
    ...settlementOf(
      request,
      route,
      { usage: EMPTY_USAGE, cost, usageSource: capped ? "CAPPED" : bill.usageSource },
      { modelSlug: request.model, finishReason: null, timeToFirstTokenMs: null, ...ending },
    ),
    providerCost: bill.providerCost,
    media: { unit: bill.unit, units: bill.units, unitPrice: bill.unitPrice },
  };
  await settleCharge(ledger, log, settlement);
  return { cost, latencyMs: settlement.latencyMs };
}

/** µcr for `units` at a price per `per` units, rounded up: a started minute is charged to the µcr. */
export const costPer = (units: number, price: bigint, per: bigint) =>
  (BigInt(units) * price + per - 1n) / per;
