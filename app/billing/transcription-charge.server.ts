import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import { AUDIO_TOKENS_PER_SECOND } from "../llm/input-estimate.ts";
import { EMPTY_USAGE, type Usage } from "../llm/parts.ts";
import type { Logger } from "../observability/logger.server.ts";
import { costOfTokens } from "../utils/money.ts";
import {
  believedUsage,
  costAtMostHeld,
  settleCharge,
  settlementOf,
  type Charged,
  type ChargedRequest,
} from "./charge.server.ts";
import type { Ledger } from "./ledger.server.ts";
import { conversationRow, type Settlement } from "./settlement.ts";
import { countTextTokens } from "./estimate-usage.server.ts";
import { costPer } from "./media-charge.server.ts";

// What a transcription holds and is charged (ADR 072, 074): per minute of audio (whisper-1), or
// per token (gpt-4o-transcribe): its audio as audio tokens, its prompt and transcript as text.

const SECONDS_PER_MINUTE = 60n;

/**
 * The most audio tokens a second of audio is billed, for the hold: OpenAI estimates
 * gpt-4o-transcribe at US$0.006 a minute with audio at US$6 per 1M tokens, so about 1,000
 * a minute (17 a second), its Realtime audio is 10 a second; we hold 32 (what Gemini counts,
 * the chats' bound too).
 * @see https://platform.openai.com/docs/pricing#transcription-and-speech
 */
export const AUDIO_TOKENS_PER_SECOND_BOUND = AUDIO_TOKENS_PER_SECOND;
/** Our count when the provider reports none: OpenAI's own estimate, 1,000 audio tokens a minute. */
const ESTIMATED_AUDIO_TOKENS_PER_MINUTE = 1_000;
/**
 * The longest transcript gpt-4o-transcribe and gpt-4o-mini-transcribe write: 2,000 output tokens.
 * @see https://platform.openai.com/docs/models/gpt-4o-transcribe
 */
export const TRANSCRIPT_MAX_OUTPUT_TOKENS = 2_000;

/** The upload as billing sees it: how long it may be and is, and the prompt sent with it. */
export interface TranscribedAudio {
  /** The most seconds it can last (a WAV's header, else its bytes at 8 kbit/s), at least 1. */
  boundSeconds: number;
  /** A WAV's own length, from its header. */
  measuredSeconds: number | undefined;
  prompt: string | undefined;
}

/** A route priced per audio token (ADR 074): its price per 1M, else undefined (per minute). */
export const audioTokenPrice = (route: RouteOption) => route.prices.modality?.audio_input_token;

/** The most tokens a transcription can be billed: what its hold is sized by, and its usage checked against. */
export function transcriptionTokenBounds(audio: TranscribedAudio) {
  const audioTokens = audio.boundSeconds * AUDIO_TOKENS_PER_SECOND_BOUND;
  // Every tokenizer emits at most one token per UTF-8 byte.
  const textTokens = Buffer.byteLength(audio.prompt ?? "");
  return { audioTokens, textTokens, outputTokens: TRANSCRIPT_MAX_OUTPUT_TOKENS };
}

/**
 * The most a transcription can cost on `route`: its longest possible audio per minute; or by
 * tokens, that audio's most tokens, the prompt's and the longest transcript, each rounded up
 * as the charge is (so no usage within the bounds costs more).
 */
export function transcriptionHold(route: RouteOption, audio: TranscribedAudio): bigint {
  const minute = route.media?.prices.minute;
  if (minute !== undefined) return costPer(audio.boundSeconds, minute, SECONDS_PER_MINUTE);
  const bounds = transcriptionTokenBounds(audio);
  return (
    costOfTokens(bounds.audioTokens, audioTokenPrice(route)!) +
    costOfTokens(bounds.textTokens, route.prices.input) +
    costOfTokens(bounds.outputTokens, route.prices.output)
  );
}

/**
 * Our own count of a transcription by tokens, where the provider reported none (or none we
 * believe, or it never finished): its audio at OpenAI's estimate of 1,000 tokens a minute over
 * its WAV length (else its longest possible), the prompt and the transcript so far counted with
 * the o200k tokenizer.
 */
export async function estimatedTranscriptionUsage(
  audio: TranscribedAudio,
  transcript: string,
): Promise<Usage> {
  const seconds = audio.measuredSeconds ?? audio.boundSeconds;
  const audioTokens = Math.ceil((seconds * ESTIMATED_AUDIO_TOKENS_PER_MINUTE) / 60);
  return {
    ...EMPTY_USAGE,
    inputTokens: audioTokens + (await countTextTokens([audio.prompt ?? ""])),
    outputTokens: await countTextTokens([transcript]),
    modalityTokens: { modality: "audio_input_token", tokens: audioTokens },
  };
}

/**
 * What a transcription by tokens is charged, never more than its hold: the provider's usage
 * when it finished and reported a believable one (REPORTED), else our count (ESTIMATED) once
 * the provider accepted the audio; nothing when it never did.
 */
export async function chargeTranscriptionTokens(
  log: Logger,
  request: ChargedRequest,
  route: RouteOption,
  audio: TranscribedAudio,
  outcome: { accepted: boolean; transcript: string; reported: Usage | undefined },
): Promise<Charged> {
  if (!outcome.accepted) return { usage: EMPTY_USAGE, cost: 0n, usageSource: "ESTIMATED" };
  const bounds = transcriptionTokenBounds(audio);
  const believed = believedUsage(
    log,
    { requestId: request.requestId, provider: route.providerSlug },
    outcome.reported,
    { inputTokens: bounds.audioTokens + bounds.textTokens, outputTokens: bounds.outputTokens },
  );
  const usage = believed ?? (await estimatedTranscriptionUsage(audio, outcome.transcript));
  const { cost, capped } = costAtMostHeld(usage, route.prices, request.heldAmount);
  return { usage, cost, usageSource: capped ? "CAPPED" : believed ? "REPORTED" : "ESTIMATED" };
}

/** How a transcription by tokens ended, for its usage row. */
export interface TranscriptionEnding {
  status: Settlement["status"];
  errorCode: string | null;
  timeToFirstTokenMs: number | null;
  progressRecorded?: boolean;
}

/** Charges a transcription by tokens and books it once: its usage row names the audio tokens as its units. */
export async function settleTranscriptionTokens(
  ledger: Ledger,
  log: Logger,
  request: ChargedRequest & { model: string },
  route: RouteOption,
  audio: TranscribedAudio,
  outcome: { accepted: boolean; transcript: string; reported: Usage | undefined },
  ending: TranscriptionEnding,
): Promise<Charged> {
  const charged = await chargeTranscriptionTokens(log, request, route, audio, outcome);
  await settleCharge(ledger, log, transcriptionSettlement(request, route, charged, ending));
  return charged;
}

/**
 * What a streamed transcription has cost so far (our count: its audio, the transcript so far),
 * as the usage row another instance writes if this process dies (INTERRUPTED).
 */
export async function transcriptionProgress(
  ledger: Ledger,
  log: Logger,
  request: ChargedRequest & { model: string },
  route: RouteOption,
  audio: TranscribedAudio,
  transcript: string,
  timeToFirstTokenMs: number | null,
) {
  const charged = await chargeTranscriptionTokens(log, request, route, audio, {
    accepted: true,
    transcript,
    reported: undefined,
  });
  const settlement = transcriptionSettlement(request, route, charged, {
    status: "INTERRUPTED",
    errorCode: "interrupted",
    timeToFirstTokenMs,
  });
  return {
    requestId: request.requestId,
    holdId: ledger.holdIdOf(request.requestId),
    conversation: conversationRow(settlement),
  };
}

const transcriptionSettlement = (
  request: ChargedRequest & { model: string },
  route: RouteOption,
  charged: Charged,
  ending: TranscriptionEnding,
) =>
  settlementOf(request, route, charged, {
    modelSlug: request.model,
    finishReason: ending.status === "SUCCESS" ? "stop" : null,
    ...ending,
  });
