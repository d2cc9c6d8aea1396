import type Stripe from "stripe";
import { parseEnv, type Env } from "../config/env.server.ts";
import { singleton } from "../utils/singleton.server.ts";

/** Stripe as the gateway uses it: the SDK, and the secret its webhooks are signed with. */
export interface StripeSetup {
  stripe: Stripe;
  webhookSecret: string | undefined;
}

/**
 * The Stripe SDK for these settings, or undefined when STRIPE_SECRET_KEY is not
 * set (payments are not configured). STRIPE_API_BASE points it elsewhere (a
 * fake Stripe in tests, stripe-mock). The SDK is loaded only then: it takes
 * some 35 MB.
 */
export async function stripeFromEnv(
  env: Pick<Env, "STRIPE_SECRET_KEY" | "STRIPE_WEBHOOK_SECRET" | "STRIPE_API_BASE">,
): Promise<StripeSetup | undefined> {
  if (!env.STRIPE_SECRET_KEY) return undefined;
  const { default: Stripe } = await import("stripe");
  const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : undefined;
  const protocol = base?.protocol === "http:" ? "http" : "https";
  const stripe = new Stripe(env.STRIPE_SECRET_KEY, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: "llm-gateway" },
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (protocol === "http" ? 80 : 443),
          protocol,
        }
      : {}),
  });
  return { stripe, webhookSecret: env.STRIPE_WEBHOOK_SECRET };
}

export interface PaymentSettings {
  /** Undefined when payments are not configured. */
  stripe: StripeSetup | undefined;
  /** The seed's free top-up: FREE_ONRAMP, on by default except when NODE_ENV=production. */
  freeOnramp: boolean;
  /** Free top-ups one person may take per 24 hours (FREE_ONRAMP_PER_DAY). */
  freeOnrampPerDay: number;
  maxTopupPerDayUsd: number;
}

export async function paymentSettingsFromEnv(env: Env): Promise<PaymentSettings> {
  return {
    stripe: await stripeFromEnv(env),
    freeOnramp: env.FREE_ONRAMP ?? env.NODE_ENV !== "production",
    freeOnrampPerDay: env.FREE_ONRAMP_PER_DAY,
    maxTopupPerDayUsd: env.MAX_TOPUP_PER_DAY_USD,
  };
}

/** The process's payment settings, from its environment. */
export function getPaymentSettings(): Promise<PaymentSettings> {
  return singleton("payment-settings", () => paymentSettingsFromEnv(parseEnv(process.env)));
}
