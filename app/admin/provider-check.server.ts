import type { Gateway } from "../gateway/gateway.server.ts";
import { providerBySlug } from "./providers.server.ts";

export interface ProviderTest {
  ok: boolean;
  message: string;
  latencyMs: number;
}

/**
 * One cheap call through the provider as requests use it (its keys in turn):
 * a one-token answer from the first model it serves. A refused key is set
 * aside like on any request.
 */
export async function testProvider(gateway: Gateway, slug: string): Promise<ProviderTest> {
  const provider = await providerBySlug(gateway.prisma, slug);
  const mapping = await gateway.prisma.modelProviderMapping.findFirst({
    where: { providerId: provider.id },
    orderBy: [{ enabled: "desc" }, { priority: "asc" }],
    select: { upstreamModel: true },
  });
  const started = performance.now();
  const result = (ok: boolean, message: string) => ({
    ok,
    message,
    latencyMs: Math.round(performance.now() - started),
  });
  if (!mapping) return result(false, "It serves no model yet: add one first.");
  const adapter = (await gateway.providers.adapters()).get(slug);
  if (!adapter) return result(false, "It is disabled or has no usable key.");
  try {
    const parts = await adapter.streamParts({
      request: { model: mapping.upstreamModel, messages: [{ role: "user", content: "Say OK." }] },
      upstreamModel: mapping.upstreamModel,
      maxOutputTokens: 1,
      stream: false,
      signal: AbortSignal.timeout(15_000),
    });
    for await (const batch of parts) void batch;
    return result(true, `${mapping.upstreamModel} answered.`);
  } catch (error) {
    return result(false, error instanceof Error ? error.message : String(error));
  }
}
