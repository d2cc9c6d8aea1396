import { microToCredits, microToUsd, microToUsdNumber } from "../../../utils/money.ts";

export interface EmbeddingsAnswer {
  requestId: string;
  model: string;
  vectors: number[][];
  inputTokens: number;
  cost: bigint;
  byok: boolean;
  base64: boolean;
}

/** OpenAI's embeddings list; base64 is the vector's float32 little-endian bytes, as OpenAI sends it. */
export function renderEmbeddings(answer: EmbeddingsAnswer) {
  return {
    object: "list",
    data: answer.vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: answer.base64 ? float32Base64(vector) : vector,
    })),
    model: answer.model,
    usage: {
      prompt_tokens: answer.inputTokens,
      total_tokens: answer.inputTokens,
      cost: microToUsd(answer.cost),
      cost_credits: microToCredits(answer.cost),
    },
  };
}

/**
 * OpenRouter's (/api/v1/embeddings): the same list with its generation id and
 * the cost as a number of US dollars; the exact amount in credits beside it.
 * @see https://openrouter.ai/docs/api-reference/embeddings/create-embeddings
 */
export function renderOpenRouterEmbeddings(answer: EmbeddingsAnswer) {
  const list = renderEmbeddings(answer);
  return {
    id: answer.requestId,
    ...list,
    usage: { ...list.usage, cost: microToUsdNumber(answer.cost), is_byok: answer.byok },
  };
}

function float32Base64(vector: number[]) {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}
