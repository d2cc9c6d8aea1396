import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import { EMPTY_USAGE, type Usage } from "../llm/parts.ts";
import type { Logger } from "../observability/logger.server.ts";
import type { SpeechUsage } from "../providers/adapter.ts";
import { costOfTokens } from "../utils/money.ts";
import {
  believedUsage,
  costAtMostHeld,
  settleCharge,
  settlementOf,
  type ChargedRequest,
} from "./charge.server.ts";
import { countTextTokens } from "./estimate-usage.server.ts";
import type { Ledger } from "./ledger.server.ts";
import { maxInputPrice, maxOutputPrice, type Prices } from "./prices.ts";
import { conversationRow, type Settlement } from "./settlement.ts";

// Speech billed by tokens (ADR 075): the text in and the audio out at the route's prices,
// from the usage the provider reports at the end of the stream.

/**
 * The most audio a speech may come to: Gemini's TTS models answer at most 16,384 output
 * tokens (about 11 minutes at 25 tokens a second).
 * @see https://ai.google.dev/gemini-api/docs/models#gemini-2.5-flash-preview-tts
 */
export const SPEECH_MAX_OUTPUT_TOKENS = 16_384;

/** Tokens the text read may come to: at most one a UTF-8 byte (input-estimate.ts), its turn's framing besides. */
export const speechInputTokensBound = (prompt: string) => Buffer.byteLength(prompt) + 16;

/** A speech's hold at a route priced by tokens: the text at its dearest input price, the most audio at its dearest output price. */
export const tokenSpeechHold = (prices: Prices, inputTokens: number) =>
  costOfTokens(inputTokens, maxInputPrice(prices)) +
  costOfTokens(SPEECH_MAX_OUTPUT_TOKENS, maxOutputPrice(prices));

/** How the audio's stream ended, for the charge and the usage row. */
export interface SpeechEnding {
  status: Extract<Settlement["status"], "SUCCESS" | "ERROR" | "CANCELLED">;
  errorCode: string | null;
  /** A progress record was written (ADR 075): settling drops it. */
  progressRecorded?: boolean;
}

type SpeechRequest = ChargedRequest & { model: string; prompt: string };

/**
 * Books a speech billed by tokens, once its stream is over: the provider's usage when it
 * finished and reported it (REPORTED); cut short (the client left, the stream broke), what
 * it reported so far, else the text counted and the audio given out at the provider's rate
 * (ESTIMATED). Never more than the hold (CAPPED); the row names its audio tokens.
 */
export async function settleTokenSpeech(
  ledger: Ledger,
  log: Logger,
  request: SpeechRequest,
  route: RouteOption,
  speech: SpeechUsage,
  ending: SpeechEnding,
) {
  const settlement = await speechSettlement(log, request, route, speech, ending);
  await settleCharge(ledger, log, settlement);
  return { cost: settlement.cost };
}

/**
 * A speech still streaming, as the usage row another instance writes if this process dies
 * (INTERRUPTED, estimated: the audio given out so far), for the progress recorder.
 */
export async function tokenSpeechProgress(
  ledger: Ledger,
  log: Logger,
  request: SpeechRequest,
  route: RouteOption,
  speech: SpeechUsage,
) {
  const settlement = await speechSettlement(
    log,
    request,
    route,
    { ...speech, finished: false },
    { status: "INTERRUPTED", errorCode: "interrupted" },
  );
  return {
    requestId: request.requestId,
    holdId: ledger.holdIdOf(request.requestId),
    conversation: conversationRow(settlement),
  };
}

async function speechSettlement(
  log: Logger,
  request: SpeechRequest,
  route: RouteOption,
  speech: SpeechUsage,
  ending: Omit<SpeechEnding, "status"> & { status: Settlement["status"] },
) {
  const reported = believedUsage(
    log,
    { requestId: request.requestId, provider: route.providerSlug },
    speech.reported,
    {
      inputTokens: speechInputTokensBound(request.prompt),
      outputTokens: SPEECH_MAX_OUTPUT_TOKENS,
    },
  );
  const complete = ending.status === "SUCCESS" && reported !== undefined;
  const usage = reported ?? (await estimatedUsage(request.prompt, speech.audioTokens));
  const { cost, capped } = costAtMostHeld(usage, route.prices, request.heldAmount);
  return settlementOf(
    request,
    route,
    { usage, cost, usageSource: capped ? "CAPPED" : complete ? "REPORTED" : "ESTIMATED" },
    {
      ...ending,
      modelSlug: request.model,
      finishReason: speech.finished ? "stop" : null,
      timeToFirstTokenMs: null,
    },
  );
}

/** The text counted by our tokenizer, the audio given out at the provider's rate. */
async function estimatedUsage(prompt: string, audioTokens: number): Promise<Usage> {
  return {
    ...EMPTY_USAGE,
    inputTokens: await countTextTokens([prompt]),
    outputTokens: audioTokens,
    modalityTokens: { modality: "audio_output_token", tokens: audioTokens },
  };
}
