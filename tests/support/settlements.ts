import type { Settlement } from "../../app/billing/settlement.ts";
import { EMPTY_USAGE } from "../../app/llm/parts.ts";

type Who = { userId: string; apiKeyId: string };

/** What a test reserves before it settles: 1,000 µcr of input and up to 100 tokens at 4 cr/M. */
export function testReservation(who: Who, requestId: string) {
  return {
    ...who,
    requestId,
    inputCost: 1_000n,
    outputPrice: 4_000_000n,
    requestedTokens: 100,
    modelMaxTokens: 1_000,
  };
}

/**
 * A chat request's settlement as the gateway makes it (JSON, answered, tokens reported), with
 * what a test names; `fields` override the rest.
 */
export function testSettlement(
  fields: Who &
    Pick<Settlement, "requestId" | "mappingId" | "modelSlug" | "cost"> &
    Partial<Settlement>,
): Settlement {
  return {
    providerSlug: "openai",
    upstreamModel: fields.modelSlug,
    endpoint: "/v1/chat/completions",
    stream: false,
    status: "SUCCESS",
    finishReason: "stop",
    errorCode: null,
    usage: { ...EMPTY_USAGE, inputTokens: 10, outputTokens: 50 },
    usageSource: "REPORTED",
    prices: { input: 1n, cachedInput: 1n, cacheWrite: null, output: 4_000_000n },
    latencyMs: 5,
    timeToFirstTokenMs: null,
    ...fields,
  };
}
