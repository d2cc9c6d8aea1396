import { microToUsdNumber } from "../../../utils/money.ts";

// The images answered (ADR 072), as OpenAI's images API and OpenRouter's (ADR 076) write them.

export interface ImagesAnswer {
  /** Each image's bytes, or with `url` where it is kept (response_format "url"). */
  images: { base64: string; mimeType: string; revisedPrompt?: string; url?: string }[];
  /** The size and quality the provider says it made. */
  size?: string;
  quality?: string;
  /** The format the client asked for, when the provider says nothing. */
  outputFormat?: string;
  cost: bigint;
  byok: boolean;
}

/** OpenAI's ImagesResponse. @see https://platform.openai.com/docs/api-reference/images/object */
export function renderImages(answer: ImagesAnswer) {
  return {
    created: Math.floor(Date.now() / 1000),
    data: answer.images.map((image) => ({
      ...(image.url ? { url: image.url } : { b64_json: image.base64 }),
      ...(image.revisedPrompt ? { revised_prompt: image.revisedPrompt } : {}),
    })),
    ...(answer.size ? { size: answer.size } : {}),
    ...(answer.quality ? { quality: answer.quality } : {}),
    output_format: answer.images[0]?.mimeType.replace("image/", "") ?? answer.outputFormat ?? "png",
  };
}

/**
 * OpenRouter's ImageGenerationResponse: each image's base64 and media type, and the usage
 * with its cost in US dollars (images are priced per image: no tokens).
 */
export function renderOpenRouterImages(answer: ImagesAnswer) {
  return {
    created: Math.floor(Date.now() / 1000),
    data: answer.images.map((image) => ({ b64_json: image.base64, media_type: image.mimeType })),
    usage: {
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
      cost: microToUsdNumber(answer.cost),
      is_byok: answer.byok,
    },
  };
}
