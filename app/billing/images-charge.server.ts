import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import { chargedImagePrice, heldImagePrice } from "../catalog/media-prices.ts";
import type { Logger } from "../observability/logger.server.ts";
import type { ChargedRequest } from "./charge.server.ts";
import { settleMedia } from "./media-charge.server.ts";
import type { Ledger } from "./ledger.server.ts";

/** An image generation being charged (ADR 072): how many images, and one's held price. */
export interface ImagesRequestCharged extends ChargedRequest {
  model: string;
  n: number;
  /** What one image was held at (the dearest it could be). */
  heldUnitPrice: bigint;
  /** As asked ("auto" lets the provider choose). */
  size: string;
  quality: string;
}

/**
 * Books an image generation once: the images the provider answered with (at most those
 * asked for), each at the price of the size and quality it says it made, never above what
 * was held; nothing without an answer. The count is the provider's own answer: REPORTED.
 */
export async function settleImages(
  ledger: Ledger,
  log: Logger,
  request: ImagesRequestCharged,
  route: RouteOption,
  answer: { images: unknown[]; size?: string; quality?: string } | undefined,
  errorCode: string | null,
) {
  const units = answer ? Math.min(answer.images.length, request.n) : 0;
  const media = route.media!;
  const unitPrice = chargedImagePrice(media.prices, request.heldUnitPrice, answer ?? {});
  // The provider's price for the same image, beside ours (ADR 069).
  const heldCost = heldImagePrice(media.costPrices, request.size, request.quality) ?? 0n;
  const unitCost = chargedImagePrice(media.costPrices, heldCost, answer ?? {});
  const status = answer ? ("SUCCESS" as const) : ("ERROR" as const);
  const settled = await settleMedia(
    ledger,
    log,
    request,
    route,
    {
      unit: "image",
      units,
      unitPrice,
      cost: BigInt(units) * unitPrice,
      providerCost: BigInt(units) * unitCost,
      usageSource: "REPORTED",
    },
    { status, errorCode: answer ? null : errorCode },
  );
  return { units, unitPrice, cost: settled.cost, latencyMs: settled.latencyMs, status };
}
