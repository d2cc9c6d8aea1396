import { data } from "react-router";
import { z } from "zod";
import { can } from "../accounts/account-scope.server.ts";
import { getAccounts } from "../accounts/accounts.server.ts";
import type { requirePageScope } from "../accounts/require-user.server.ts";
import { costOfTokens, formatMoney, formatPrice } from "../utils/money.ts";
import { costPer } from "../billing/media-charge.server.ts";
import { isTokenModality, type TokenModality } from "../llm/parts.ts";

// One request of the usage log: its tokens by kind, the prices it was charged
// at (a snapshot taken when it settled) and the arithmetic from one to the
// other, its timing, and its prompt and answer when content logging kept them.

type PageScope = Awaited<ReturnType<typeof requirePageScope>>;

const BIGINT_MAX = 2n ** 63n - 1n;

/** The request `rawId` names, if it is the account's (`scope`); the page's 404 otherwise. */
export async function requestDetail(scope: PageScope, rawId: string | undefined) {
  // Ids are PostgreSQL bigints: a larger number names no request (and would fail the query).
  const id = z.coerce.bigint().positive().max(BIGINT_MAX).safeParse(rawId);
  // Another account's request is as absent as one that never was.
  const row = id.success
    ? await getAccounts().prisma.conversation.findFirst({
        where: { id: id.data, userId: scope.accountId },
        include: { apiKey: { select: { name: true, prefix: true, createdById: true } } },
      })
    : null;
  if (!row) throw data("No such request in your usage", { status: 404 });
  // Tokens of a modality priced apart (ADR 073): taken out of their side, on a line of their own.
  const modality =
    row.unit && isTokenModality(row.unit) && row.units !== null && row.unitPrice !== null
      ? { unit: row.unit, tokens: row.units, price: row.unitPrice }
      : null;
  const heard = modality?.unit === "audio_input_token" ? modality.tokens : 0;
  const made = modality && modality.unit !== "audio_input_token" ? modality.tokens : 0;
  const lines: (readonly [string, number, bigint])[] = [
    ["Input", row.inputTokens - heard, row.inputPrice],
    ["Cached input", row.cachedInputTokens, row.cachedInputPrice],
    ["Cache writes", row.cacheWriteTokens, row.cacheWritePrice ?? row.inputPrice],
    ["Output", row.outputTokens - made, row.outputPrice],
    ...(modality
      ? [[MODALITY_LINES[modality.unit], modality.tokens, modality.price] as const]
      : []),
  ];
  const media =
    row.unit && !modality && row.units !== null && row.unitPrice !== null
      ? mediaLine(row.unit, row.units, row.unitPrice)
      : null;
  const arithmetic = media
    ? [media]
    : lines.map(([kind, tokens, price]) => ({
        kind,
        tokens,
        // US dollars per 1M tokens, as the snapshot holds them.
        price: formatPrice(price),
        cost: costOfTokens(tokens, price),
      }));
  const computed = arithmetic.reduce((sum, line) => sum + line.cost, 0n);
  return {
    requestId: row.requestId,
    at: row.createdAt.toISOString(),
    model: row.modelSlug,
    provider: row.providerSlug,
    upstreamModel: row.upstreamModel,
    endpoint: row.endpoint,
    key: `${row.apiKey.name} (${row.apiKey.prefix}…)`,
    stream: row.stream,
    byok: row.byok,
    status: row.status.toLowerCase(),
    finishReason: row.finishReason,
    errorCode: row.errorCode,
    usageSource: row.usageSource,
    reasoningTokens: row.reasoningTokens,
    // Provider calls that failed before the one that served, in order (retries and fallbacks).
    fallbacks: Array.isArray(row.fallbacks)
      ? (row.fallbacks as { provider: string; code: string }[])
      : [],
    latencyMs: row.latencyMs,
    ttftMs: row.timeToFirstTokenMs,
    arithmetic: arithmetic.map((line) => ({
      ...line,
      cost: formatMoney(line.cost, { precision: "request" }),
    })),
    computed: formatMoney(computed, { precision: "request" }),
    charged: formatMoney(row.cost, { precision: "request" }),
    // Replayed from the response cache: charged the cache price, not its tokens (ADR 066).
    cached: row.usageSource === "CACHE",
    // Charged less than its tokens cost: the provider reported more than the request held.
    capped: row.usageSource !== "CACHE" && row.cost < computed,
    // In a team, prompts are for the key's maker and those who manage every key.
    content:
      (row.prompt === null && row.response === null) ||
      !(can(scope, "allKeys") || row.apiKey.createdById === scope.userId)
        ? null
        : { prompt: JSON.stringify(row.prompt, null, 2), response: row.response ?? "" },
  };
}

export type RequestDetail = Awaited<ReturnType<typeof requestDetail>>;

const MODALITY_LINES: Record<TokenModality, string> = {
  audio_input_token: "Audio input",
  audio_output_token: "Audio output",
  image_output_token: "Image output",
};

/** A media request's one line (ADR 072): its units at their price (per image, 1M characters, minute). */
function mediaLine(unit: string, units: number, unitPrice: bigint) {
  const per = {
    image: [1n, "an image"],
    character: [1_000_000n, "per 1M characters"],
    second: [60n, "a minute"],
  } as const;
  const [count, label] = per[unit as keyof typeof per] ?? [1n, `a ${unit}`];
  return {
    kind: `${unit[0]!.toUpperCase()}${unit.slice(1)}s`,
    tokens: units,
    price: `${formatPrice(unitPrice)} ${label}`,
    cost: costPer(units, unitPrice, count),
  };
}
