// What a model can be asked for through this gateway: shown on its page, filtered
// on in the Models list, given by GET /api/v1/models/<id> (ADR 071). How each is
// derived: gateway/endpoints/model-capabilities.server.ts.

export const CAPABILITIES = ["tools", "vision", "jsonMode", "reasoning"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export type ModelCapabilities = Record<Capability, boolean>;

export const CAPABILITY_LABELS: Record<Capability, string> = {
  tools: "Tools",
  vision: "Vision",
  jsonMode: "JSON mode",
  reasoning: "Reasoning",
};
