import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestListener } from "@remix-run/node-fetch-server";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeAnthropic } from "#scripts/fake-providers/anthropic.ts";
import { startFakeGemini } from "#scripts/fake-providers/gemini.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { createPrismaClient } from "../../app/db/prisma.server.ts";
import { createGateway, type Gateway } from "../../app/gateway/gateway.server.ts";
import type { BreakerOptions } from "../../app/gateway/services/circuit-breaker.ts";
import { handleChatCompletion } from "../../app/gateway/handle-chat.server.ts";
import {
  openAIChat,
  openAICompletions,
  contentEventCompletions,
} from "../../app/protocols/openai/openai-protocol.ts";
import { listModels } from "../../app/gateway/endpoints/list-models.server.ts";
import { anthropicMessages } from "../../app/protocols/anthropic/anthropic-protocol.ts";
import { openAIResponses } from "../../app/protocols/responses/responses-protocol.ts";
import { handleCountTokens } from "../../app/gateway/endpoints/count-tokens.server.ts";
import {
  handleEmbeddings,
  OPENROUTER_EMBEDDINGS,
} from "../../app/gateway/endpoints/embeddings/handle-embeddings.server.ts";
import {
  openRouterChat,
  openRouterMessages,
  openRouterResponses,
} from "../../app/protocols/openrouter/openrouter-protocols.ts";
import {
  listOpenRouterEndpoints,
  listOpenRouterModels,
} from "../../app/gateway/endpoints/openrouter-models.server.ts";
import { openRouterApi } from "../../app/gateway/endpoints/openrouter-api.server.ts";
import {
  getCredits,
  getGeneration,
  getKeyInfo,
} from "../../app/gateway/endpoints/key-api.server.ts";
import { methodNotAllowed } from "../../app/http/method-not-allowed.ts";
import {
  handleImages,
  OPENAI_IMAGE_EDITS,
  OPENROUTER_IMAGES,
} from "../../app/gateway/endpoints/images/handle-images.server.ts";
import { serveImageFile } from "../../app/gateway/endpoints/images/image-files.server.ts";
import { handleSpeech } from "../../app/gateway/endpoints/audio/handle-speech.server.ts";
import { handleTranscription } from "../../app/gateway/endpoints/audio/handle-transcription.server.ts";
import { createAnthropicAdapter } from "../../app/providers/anthropic/anthropic-adapter.server.ts";
import { createGeminiAdapter } from "../../app/providers/google/gemini-adapter.server.ts";
import { createOpenAIAdapter } from "../../app/providers/openai/openai-adapter.server.ts";
import { createLogger, type Logger } from "../../app/observability/logger.server.ts";
import {
  DEFAULT_UPSTREAM_TIMEOUTS,
  type EnvUpstreamTimeouts,
} from "../../app/providers/upstream-timeouts.ts";
import { SecretBox } from "../../app/security/secret-box.server.ts";
import type Stripe from "stripe";

export interface GatewayHarness {
  baseUrl: string;
  gateway: Gateway;
  /** Fake upstreams, by provider slug. "openai-backup" is a second OpenAI-speaking provider for fallback tests. */
  fakes: {
    openai: FakeProvider;
    "openai-backup": FakeProvider;
    anthropic: FakeProvider;
    google: FakeProvider;
  };
  close(): Promise<void>;
}

/** The gateway's handlers on a real HTTP server, in front of fake providers, on a test database. */
export async function startGatewayHarness(
  databaseUrl: string,
  options: {
    /** Providers' own limits, as their environment variables would set them (the rest: the defaults). */
    upstreamTimeouts?: EnvUpstreamTimeouts["byProvider"];
    log?: Logger;
    logContent?: boolean;
    /** Seals the providers' keys; gateways on one database need the same. */
    box?: SecretBox;
    breaker?: BreakerOptions;
    /** BYOK_FEE_PERCENT. */
    byokFeePercent?: number;
    /** Stripe, for auto top-up. */
    stripe?: Stripe;
    autoTopUpCooldownMs?: number;
    /** RESPONSE_CACHE_PRICE_PERCENT and RESPONSE_CACHE_MAX_MB. */
    responseCache?: { pricePercent?: number; maxMegabytes?: number };
    webhookRetryBaseMs?: number;
  } = {},
): Promise<GatewayHarness> {
  const fakes = {
    openai: await startFakeOpenAI(),
    "openai-backup": await startFakeOpenAI(),
    anthropic: await startFakeAnthropic(),
    google: await startFakeGemini(),
  };
  const prisma = createPrismaClient(databaseUrl);
  const gateway = await createGateway({
    prisma,
    databaseUrl,
    // Provider keys a test adds are sealed with the gateway's box (see harness.gateway.box).
    box: options.box ?? new SecretBox({ current: randomBytes(32) }),
    breaker: options.breaker,
    adapters: {
      openai: createOpenAIAdapter({ apiKey: "sk-fake-openai", baseURL: fakes.openai.baseUrl }),
      "openai-backup": createOpenAIAdapter({
        apiKey: "sk-fake-backup",
        baseURL: fakes["openai-backup"].baseUrl,
      }),
      anthropic: createAnthropicAdapter({
        apiKey: "sk-ant-fake",
        baseURL: fakes.anthropic.baseUrl,
      }),
      google: createGeminiAdapter({ apiKey: "AIza-fake", baseURL: fakes.google.baseUrl }),
    },
    log: options.log ?? createLogger("silent"),
    // Holds go back as soon as a request is done, so tests see `reserved` at rest.
    holdIdleMs: 0,
    upstreamTimeouts: {
      defaults: DEFAULT_UPSTREAM_TIMEOUTS,
      byProvider: options.upstreamTimeouts ?? {},
    },
    logContent: options.logContent,
    byokFeePercent: options.byokFeePercent,
    stripe: options.stripe,
    autoTopUpCooldownMs: options.autoTopUpCooldownMs,
    responseCache: options.responseCache,
    webhookRetryBaseMs: options.webhookRetryBaseMs,
  });
  const server = createServer(
    createRequestListener(async (request) => {
      const path = new URL(request.url).pathname;
      const isPost = request.method === "POST";
      if (path.startsWith("/v1/images/files/") && !isPost)
        return serveImageFile(prisma, path.slice("/v1/images/files/".length));
      if (path === "/api/v1/generation") return getGeneration(gateway, request);
      if (path === "/api/v1/key") return getKeyInfo(gateway, request);
      if (path === "/api/v1/credits") return getCredits(gateway, request);
      if (path === "/api/v1/models")
        return openRouterApi(gateway, () => listOpenRouterModels(gateway, request));
      const endpoints = /^\/api\/v1\/models\/([^/]+)\/([^/]+)\/endpoints$/.exec(path);
      if (endpoints)
        return openRouterApi(gateway, async () =>
          Response.json({
            data: await listOpenRouterEndpoints(gateway, endpoints[1]!, endpoints[2]!),
          }),
        );
      if (!isPost && path !== "/v1/models") return methodNotAllowed("POST");
      if (path === "/api/v1/chat/completions")
        return handleChatCompletion(gateway, request, openRouterChat);
      if (path === "/api/v1/messages")
        return handleChatCompletion(gateway, request, openRouterMessages);
      if (path === "/api/v1/responses")
        return handleChatCompletion(gateway, request, openRouterResponses);
      if (path === "/api/v1/embeddings")
        return handleEmbeddings(gateway, request, OPENROUTER_EMBEDDINGS);
      if (path === "/v1/chat/completions")
        return handleChatCompletion(gateway, request, openAIChat);
      if (path === "/v1/completions")
        return handleChatCompletion(gateway, request, openAICompletions);
      if (path === "/completions" || path === "/api/completions")
        return handleChatCompletion(gateway, request, contentEventCompletions);
      if (path === "/v1/messages") return handleChatCompletion(gateway, request, anthropicMessages);
      if (path === "/v1/responses") return handleChatCompletion(gateway, request, openAIResponses);
      if (path === "/v1/messages/count_tokens") return handleCountTokens(gateway, request);
      if (path === "/v1/embeddings") return handleEmbeddings(gateway, request);
      if (path === "/v1/images/generations") return handleImages(gateway, request);
      if (path === "/v1/images/edits") return handleImages(gateway, request, OPENAI_IMAGE_EDITS);
      if (path === "/api/v1/images") return handleImages(gateway, request, OPENROUTER_IMAGES);
      if (path === "/v1/audio/speech") return handleSpeech(gateway, request);
      if (path === "/v1/audio/transcriptions") return handleTranscription(gateway, request);
      if (path === "/v1/audio/translations") return handleTranscription(gateway, request, true);
      if (path === "/v1/models") return listModels(gateway);
      return new Response("Not found", { status: 404 });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    gateway,
    fakes,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await gateway.close();
      await prisma.$disconnect();
      await Promise.all(Object.values(fakes).map((fake) => fake.close()));
    },
  };
}
