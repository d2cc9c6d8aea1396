import { getAccounts } from "#app/accounts/accounts.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { getPaymentSettings } from "#app/payments/payment-settings.server.ts";
import { handleStripeWebhook } from "#app/payments/stripe-webhook.server.ts";
import { processLogger } from "#app/observability/logger.server.ts";
import type { Route } from "./+types/api.payments.stripe.webhook";

// Stripe's webhook endpoint: no session, no same-origin check; the signature is the check.
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const { stripe } = await getPaymentSettings();
  if (!stripe?.webhookSecret)
    return Response.json(
      { error: "Payments are not configured (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET)" },
      { status: 503 },
    );
  return handleStripeWebhook(
    {
      prisma: getAccounts().prisma,
      stripe: stripe.stripe,
      webhookSecret: stripe.webhookSecret,
      log: processLogger(),
    },
    request,
  );
}

export const loader = () => methodNotAllowed("POST");
