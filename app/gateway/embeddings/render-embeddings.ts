import { microToCredits, microToUsd } from "../../utils/money.ts";

/** OpenAI's embeddings list; base64 is the vector's float32 little-endian bytes, as OpenAI sends it. */
export function renderEmbeddings(answer: {
  model: string;
  vectors: number[][];
  inputTokens: number;
  cost: bigint;
  base64: boolean;
}) {
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

function float32Base64(vector: number[]) {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}
