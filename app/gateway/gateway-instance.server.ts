import { parseEnv } from "../config/env.server.ts";
import { getPrisma } from "../db/prisma.server.ts";
import { activeTracing } from "../observability/tracing.server.ts";
import { createLogger } from "../observability/logger.server.ts";
import { existingSingleton, singleton } from "../utils/singleton.server.ts";
import { secretBoxFromEnv } from "../config/secret-box-from-env.server.ts";
import { getPaymentSettings } from "../payments/payment-settings.server.ts";
import { createGateway, type Gateway } from "./gateway.server.ts";
import { upstreamTimeoutsFromEnv } from "../providers/upstream-timeouts.ts";

/** The process's gateway, built on first use from the environment main.ts prepared. */
export function getGateway(): Promise<Gateway> {
  return singleton("gateway", async () => {
    const env = parseEnv(process.env);
    if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set");
    return createGateway({
      prisma: getPrisma(),
      databaseUrl: env.DATABASE_URL,
      box: secretBoxFromEnv(env),
      log: createLogger(env.LOG_LEVEL),
      holdIdleMs: env.HOLD_IDLE_MS,
      upstreamTimeouts: upstreamTimeoutsFromEnv(env),
      logContent: env.LOG_CONTENT,
      responseStoreDays: env.RESPONSE_STORE_DAYS,
      webhookRetryBaseMs: env.WEBHOOK_RETRY_BASE_SECONDS * 1000,
      responseCache: {
        pricePercent: env.RESPONSE_CACHE_PRICE_PERCENT,
        maxMegabytes: env.RESPONSE_CACHE_MAX_MB,
      },
      byokFeePercent: env.BYOK_FEE_PERCENT,
      stripe: (await getPaymentSettings()).stripe?.stripe,
      tracing: activeTracing(),
    });
  });
}

/**
 * Ends the requests still running (the server is stopping): each gets an error
 * event and is billed for what it produced. Resolves once all have settled.
 */
export async function stopRunningRequests() {
  // Through the gateway's own method: main.ts and the app bundle have separate copies of
  // the error classes, and the error must be the bundle's to render as one.
  await (await existingSingleton<Promise<Gateway>>("gateway"))?.stopRunning();
}

/** Stops the process's gateway, if one was started: its listener, and the ledger's last writes. */
export async function closeGateway() {
  await (await existingSingleton<Promise<Gateway>>("gateway"))?.close();
}
