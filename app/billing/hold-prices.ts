import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import type { ChatRequest } from "../llm/chat-request.ts";
import { costOfTokens } from "../utils/money.ts";
import { inputTokensUpperBound } from "../llm/input-estimate.ts";
import { maxInputPrice, maxOutputPrice } from "./prices.ts";

/**
 * What a request's hold is sized by: its input's upper bound and the output
 * price at the dearest of the routes it may take, so that no fallback (to
 * another provider or another model) can cost more than the hold.
 */
export function holdPrices(chat: ChatRequest, routes: RouteOption[]) {
  const inputTokens = inputTokensUpperBound(chat);
  let inputCost = 0n;
  let outputPrice = 0n;
  for (const route of routes) {
    const cost = costOfTokens(inputTokens, maxInputPrice(route.prices));
    if (cost > inputCost) inputCost = cost;
    const output = maxOutputPrice(route.prices);
    if (output > outputPrice) outputPrice = output;
  }
  return { inputCost, outputPrice };
}
