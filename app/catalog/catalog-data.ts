// The model catalog the seed writes (app/catalog/seed-catalog.server.ts).
// Prices are the providers' list prices in US dollars per 1M tokens, as exact
// decimal strings (converted to µcr without floats), checked on 2026-11-27.
// Known gap: long-prompt tiers (GPT-6.x above 272K input tokens, Claude Haiku
// 5.5 above 100K) are billed at the base tier shown here.

import type { TokenModality } from "../llm/parts.ts";

export type ProviderSlug = "openai" | "anthropic" | "google";

export interface PricesUsd {
  input: string;
  cachedInput: string;
  /** Prompt-cache writes, where the provider bills them apart from input. */
  cacheWrite?: string;
  output: string;
}

/** A model as the shipped catalog lists it, with its offers in US dollars (the seed converts them to µcr rows). */
export interface CatalogEntry {
  slug: string;
  name: string;
  company: ProviderSlug;
  contextLength: number;
  maxOutputTokens: number;
  /** An embeddings model: billed for input only (no output price, no cache discount). */
  embedding?: true;
  offers: {
    provider: ProviderSlug;
    upstreamModel: string;
    usdPerMillionTokens: PricesUsd;
    /** An image model's US dollars per image, by "WxH/quality", "WxH" or "default" (ADR 072). */
    usdPerImage?: Record<string, string>;
    /** A speech model's US dollars per 1M characters of input. */
    usdPerMillionCharacters?: string;
    /** A transcription model's US dollars per minute of audio. */
    usdPerMinute?: string;
    /** US dollars per 1M tokens of a modality priced apart from text (ADR 073): audio in, audio or images out. */
    usdPerMillionModalityTokens?: Partial<Record<TokenModality, string>>;
    priority?: number;
  }[];
}

const NO_TOKENS: PricesUsd = { input: "0", cachedInput: "0", output: "0" };

/** A speech or transcription model (ADR 072): priced per 1M characters or per minute, no chat. */
function audioModel(
  model: { slug: string; name: string },
  price: { usdPerMillionCharacters: string } | { usdPerMinute: string },
): CatalogEntry {
  return {
    ...model,
    company: "openai",
    contextLength: 4_096,
    maxOutputTokens: 0,
    offers: [
      { provider: "openai", upstreamModel: model.slug, usdPerMillionTokens: NO_TOKENS, ...price },
    ],
  };
}

/**
 * A transcription model priced by tokens (ADR 074): its audio per 1M audio tokens, its prompt
 * and transcript as text tokens; it answers /v1/audio/transcriptions only (maxOutputTokens 0:
 * no chat). Its transcript's cap is the transcription handler's (2,000 tokens, OpenAI's).
 */
function transcriptionModel(
  model: { slug: string; name: string },
  usd: { audioInput: string; textInput: string; textOutput: string },
): CatalogEntry {
  return {
    ...model,
    company: "openai",
    contextLength: 16_000,
    maxOutputTokens: 0,
    offers: [
      {
        provider: "openai",
        upstreamModel: model.slug,
        // No cached-input price: its prompts are not cached apart.
        usdPerMillionTokens: {
          input: usd.textInput,
          cachedInput: usd.textInput,
          output: usd.textOutput,
        },
        usdPerMillionModalityTokens: { audio_input_token: usd.audioInput },
      },
    ],
  };
}

/** An image model (POST /v1/images/generations, ADR 072): priced per image, no tokens, no chat. */
function imageModel(
  company: ProviderSlug,
  model: { slug: string; name: string; upstreamModel: string },
  usdPerImage: Record<string, string>,
): CatalogEntry {
  return {
    slug: model.slug,
    name: model.name,
    company,
    // The prompt's limit in tokens; it answers no tokens.
    contextLength: 32_000,
    maxOutputTokens: 0,
    offers: [
      {
        provider: company,
        upstreamModel: model.upstreamModel,
        usdPerMillionTokens: NO_TOKENS,
        usdPerImage,
      },
    ],
  };
}

/**
 * A Gemini TTS model (ADR 075): text in, audio out, billed by tokens; it answers no chat
 * (maxOutputTokens 0), only /v1/audio/speech. All its output is audio, at the audio price.
 */
function geminiSpeechModel(
  model: { slug: string; name: string },
  usd: { text: string; audio: string },
): CatalogEntry {
  return {
    ...model,
    company: "google",
    // The text's limit in tokens.
    contextLength: 8_192,
    maxOutputTokens: 0,
    offers: [
      {
        provider: "google",
        upstreamModel: model.slug,
        usdPerMillionTokens: { input: usd.text, cachedInput: usd.text, output: usd.audio },
        usdPerMillionModalityTokens: { audio_output_token: usd.audio },
      },
    ],
  };
}

export const COMPANIES = [
  { slug: "openai", name: "OpenAI", website: "https://openai.com" },
  { slug: "anthropic", name: "Anthropic", website: "https://www.anthropic.com" },
  { slug: "google", name: "Google", website: "https://ai.google.dev" },
] as const;

function own(
  company: ProviderSlug,
  model: Omit<CatalogEntry, "company" | "offers">,
  usdPerMillionTokens: PricesUsd,
): CatalogEntry {
  return {
    ...model,
    company,
    offers: [{ provider: company, upstreamModel: model.slug, usdPerMillionTokens }],
  };
}

export const CATALOG: CatalogEntry[] = [
  // OpenAI. Cache writes are the 30-minute retention price.
  // @see https://developers.openai.com/api/docs/pricing
  // @see https://developers.openai.com/api/docs/models/gpt-6.2-astra
  own(
    "openai",
    {
      slug: "gpt-6.2-astra",
      name: "GPT-6.2 Astra",
      contextLength: 1_050_000,
      maxOutputTokens: 128_000,
    },
    { input: "8.00", cachedInput: "0.40", cacheWrite: "10.00", output: "40.00" },
  ),
  // @see https://developers.openai.com/api/docs/models/gpt-6.2-sol
  own(
    "openai",
    {
      slug: "gpt-6.2-sol",
      name: "GPT-6.2 Sol",
      contextLength: 1_050_000,
      maxOutputTokens: 128_000,
    },
    { input: "2.00", cachedInput: "0.10", cacheWrite: "2.50", output: "10.00" },
  ),
  // @see https://developers.openai.com/api/docs/models/gpt-6.1-terra
  own(
    "openai",
    {
      slug: "gpt-6.1-terra",
      name: "GPT-6.1 Terra",
      contextLength: 1_050_000,
      maxOutputTokens: 128_000,
    },
    { input: "1.00", cachedInput: "0.05", cacheWrite: "1.25", output: "5.00" },
  ),
  // @see https://developers.openai.com/api/docs/models/gpt-6-luna
  own(
    "openai",
    { slug: "gpt-6-luna", name: "GPT-6 Luna", contextLength: 1_050_000, maxOutputTokens: 128_000 },
    { input: "0.10", cachedInput: "0.01", cacheWrite: "0.125", output: "0.50" },
  ),
  // Legacy; leaves the API on 2027-01-14. @see https://developers.openai.com/api/docs/models/gpt-4o-mini
  own(
    "openai",
    { slug: "gpt-4o-mini", name: "GPT-4o mini", contextLength: 128_000, maxOutputTokens: 16_384 },
    { input: "0.15", cachedInput: "0.075", output: "0.60" },
  ),

  // Anthropic. Cached input is "cache hits & refreshes"; cache writes are the 5-minute price.
  // @see https://platform.claude.com/docs/en/about-claude/pricing
  // @see https://platform.claude.com/docs/en/models/overview
  own(
    "anthropic",
    {
      slug: "claude-fable-5-2",
      name: "Claude Fable 5.2",
      contextLength: 1_000_000,
      maxOutputTokens: 128_000,
    },
    { input: "8.00", cachedInput: "0.20", cacheWrite: "10.00", output: "40.00" },
  ),
  // @see https://platform.claude.com/docs/en/models/opus-5-5/overview
  own(
    "anthropic",
    {
      slug: "claude-opus-5-5",
      name: "Claude Opus 5.5",
      contextLength: 1_000_000,
      maxOutputTokens: 128_000,
    },
    { input: "4.00", cachedInput: "0.20", cacheWrite: "5.00", output: "20.00" },
  ),
  // Cache reads cut to $0.10 on 2026-10-07. @see https://platform.claude.com/docs/en/models/sonnet-5-5/overview
  own(
    "anthropic",
    {
      slug: "claude-sonnet-5-5",
      name: "Claude Sonnet 5.5",
      contextLength: 1_000_000,
      maxOutputTokens: 128_000,
    },
    { input: "2.00", cachedInput: "0.10", cacheWrite: "2.50", output: "10.00" },
  ),
  // Prompts up to 100K tokens. @see https://platform.claude.com/docs/en/models/haiku-5-5/overview
  own(
    "anthropic",
    {
      slug: "claude-haiku-5-5",
      name: "Claude Haiku 5.5",
      contextLength: 1_000_000,
      maxOutputTokens: 128_000,
    },
    { input: "0.10", cachedInput: "0.01", cacheWrite: "0.125", output: "0.50" },
  ),
  // @see https://platform.claude.com/docs/en/about-claude/pricing
  own(
    "anthropic",
    {
      slug: "claude-haiku-4-5",
      name: "Claude Haiku 4.5",
      contextLength: 200_000,
      maxOutputTokens: 64_000,
    },
    { input: "1.00", cachedInput: "0.10", cacheWrite: "1.25", output: "5.00" },
  ),

  // Google. Gemini 4 has implicit caching only (no write or storage charge).
  // The Carbon and Argon prices are the ones in force from 2026-12-01 (the
  // November launch prices were half). @see https://ai.google.dev/gemini-api/docs/pricing
  own(
    "google",
    {
      slug: "gemini-4-carbon",
      name: "Gemini 4 Carbon",
      contextLength: 1_048_576,
      maxOutputTokens: 65_536,
    },
    { input: "4.00", cachedInput: "0.20", output: "20.00" },
  ),
  // @see https://ai.google.dev/gemini-api/docs/generate-content/latest-model
  own(
    "google",
    {
      slug: "gemini-4-argon",
      name: "Gemini 4 Argon",
      contextLength: 1_048_576,
      maxOutputTokens: 65_536,
    },
    { input: "4.00", cachedInput: "0.20", output: "20.00" },
  ),
  // @see https://ai.google.dev/gemini-api/docs/pricing
  own(
    "google",
    {
      slug: "gemini-4-neon",
      name: "Gemini 4 Neon",
      contextLength: 1_048_576,
      maxOutputTokens: 65_536,
    },
    { input: "3.00", cachedInput: "0.15", output: "15.00" },
  ),
  // @see https://ai.google.dev/gemini-api/docs/pricing
  own(
    "google",
    {
      slug: "gemini-4-hydrogen",
      name: "Gemini 4 Hydrogen",
      contextLength: 1_048_576,
      maxOutputTokens: 65_536,
    },
    { input: "1.50", cachedInput: "0.075", output: "7.50" },
  ),
  // @see https://ai.google.dev/gemini-api/docs/pricing
  own(
    "google",
    {
      slug: "gemini-3.5-flash-lite",
      name: "Gemini 3.5 Flash-Lite",
      contextLength: 1_048_576,
      maxOutputTokens: 65_536,
    },
    { input: "0.30", cachedInput: "0.03", output: "2.50" },
  ),

  // Embeddings (POST /v1/embeddings): input tokens only; they generate nothing, hence one
  // "output token" and no output price.
  // @see https://developers.openai.com/api/docs/models/text-embedding-3-small
  own(
    "openai",
    {
      slug: "text-embedding-3-small",
      embedding: true,
      name: "Text Embedding 3 Small",
      contextLength: 8_192,
      maxOutputTokens: 1,
    },
    { input: "0.02", cachedInput: "0.02", output: "0" },
  ),
  // @see https://developers.openai.com/api/docs/models/text-embedding-3-large
  own(
    "openai",
    {
      slug: "text-embedding-3-large",
      embedding: true,
      name: "Text Embedding 3 Large",
      contextLength: 8_192,
      maxOutputTokens: 1,
    },
    { input: "0.13", cachedInput: "0.13", output: "0" },
  ),
  // @see https://ai.google.dev/gemini-api/docs/pricing#gemini-embedding
  own(
    "google",
    {
      slug: "gemini-embedding-001",
      embedding: true,
      name: "Gemini Embedding 001",
      contextLength: 2_048,
      maxOutputTokens: 1,
    },
    { input: "0.15", cachedInput: "0.15", output: "0" },
  ),

  // Images (POST /v1/images/generations), per image by size and quality.
  // @see https://platform.openai.com/docs/pricing#image-generation
  imageModel(
    "openai",
    { slug: "gpt-image-1", name: "GPT Image 1", upstreamModel: "gpt-image-1" },
    {
      "1024x1024/low": "0.011",
      "1024x1536/low": "0.016",
      "1536x1024/low": "0.016",
      "1024x1024/medium": "0.042",
      "1024x1536/medium": "0.063",
      "1536x1024/medium": "0.063",
      "1024x1024/high": "0.167",
      "1024x1536/high": "0.25",
      "1536x1024/high": "0.25",
    },
  ),
  // Gemini's image model answers generateContent with images (Imagen's :predict is Vertex-only in
  // @google/genai 3): 1,290 output tokens an image at US$30 per 1M, so US$0.039 an image at
  // /v1/images; in a chat (`modalities: ["image","text"]`, ADR 073) its image tokens are billed
  // at that price and its text at US$2.50.
  // @see https://ai.google.dev/gemini-api/docs/pricing#gemini-2.5-flash-image
  {
    slug: "gemini-2.5-flash-image",
    name: "Gemini 2.5 Flash Image",
    company: "google",
    contextLength: 32_768,
    maxOutputTokens: 32_768,
    offers: [
      {
        provider: "google",
        upstreamModel: "gemini-2.5-flash-image",
        usdPerMillionTokens: { input: "0.30", cachedInput: "0.03", output: "2.50" },
        usdPerImage: { default: "0.039" },
        usdPerMillionModalityTokens: { image_output_token: "30.00" },
      },
    ],
  },
  // Speech (POST /v1/audio/speech) per 1M characters, transcription per minute.
  // @see https://platform.openai.com/docs/pricing#transcription-and-speech
  audioModel({ slug: "tts-1", name: "TTS 1" }, { usdPerMillionCharacters: "15.00" }),
  audioModel({ slug: "tts-1-hd", name: "TTS 1 HD" }, { usdPerMillionCharacters: "30.00" }),
  audioModel({ slug: "whisper-1", name: "Whisper" }, { usdPerMinute: "0.006" }),
  // Transcription by tokens (ADR 074): audio in per 1M audio tokens, the prompt and the text out
  // per 1M text tokens (OpenAI estimates US$0.006 and US$0.003 a minute).
  // @see https://platform.openai.com/docs/pricing#transcription-and-speech
  transcriptionModel(
    { slug: "gpt-4o-transcribe", name: "GPT-4o Transcribe" },
    { audioInput: "6.00", textInput: "2.50", textOutput: "10.00" },
  ),
  transcriptionModel(
    { slug: "gpt-4o-mini-transcribe", name: "GPT-4o mini Transcribe" },
    { audioInput: "3.00", textInput: "1.25", textOutput: "5.00" },
  ),
  // Gemini's speech (POST /v1/audio/speech, ADR 075): priced by tokens, the text in at the
  // input price, the audio out at its own (US$10 per 1M for flash, US$20 for pro).
  // @see https://ai.google.dev/gemini-api/docs/pricing#gemini-2.5-flash-preview-tts
  geminiSpeechModel(
    { slug: "gemini-2.5-flash-preview-tts", name: "Gemini 2.5 Flash Preview TTS" },
    { text: "0.50", audio: "10.00" },
  ),
  geminiSpeechModel(
    { slug: "gemini-2.5-pro-preview-tts", name: "Gemini 2.5 Pro Preview TTS" },
    { text: "1.00", audio: "20.00" },
  ),
];
