import type { ChangeListener } from "../../db/change-listener.server.ts";
import type { Prisma } from "../../db/prisma.server.ts";
import type { Logger } from "../../observability/logger.server.ts";
import type { SecretBox } from "../../security/secret-box.server.ts";
import { signatureHeader, SIGNATURE_HEADER } from "./webhook-signature.ts";

// Sends queued events (ADR 068). Every instance runs one: a delivery is claimed
// with FOR UPDATE SKIP LOCKED and leased, so exactly one instance sends each
// attempt; an answer other than 2xx, or none in time, is tried again with
// exponential backoff until MAX_ATTEMPTS, then marked failed. Woken by the
// queue's notification; a slow poll finds retries that came due.

export const WEBHOOK_CHANNEL = "gateway_webhook_queued";
export const MAX_ATTEMPTS = 8;
const BATCH = 20;
const POLL_MS = 5_000;
const TIMEOUT_MS = 10_000;
/** A claimed attempt is the claimer's for this long; after it (a crash), another instance sends it. */
const LEASE_SECONDS = 60;

interface Claimed {
  id: bigint;
  event: string;
  event_id: string;
  payload: unknown;
  attempts: number;
  url: string;
  secret: string;
}

export class WebhookDeliverer {
  private readonly prisma: Prisma;
  private readonly box: SecretBox;
  private readonly log: Logger;
  /** The wait before the second attempt; each later one waits twice the one before (at most an hour). */
  private readonly retryBaseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(options: {
    prisma: Prisma;
    box: SecretBox;
    log: Logger;
    listener: ChangeListener;
    retryBaseMs?: number;
  }) {
    this.prisma = options.prisma;
    this.box = options.box;
    this.log = options.log;
    this.retryBaseMs = options.retryBaseMs ?? 10_000;
    options.listener.on(WEBHOOK_CHANNEL, () => this.wake());
  }

  start() {
    this.timer = setInterval(() => this.wake(), POLL_MS).unref();
    this.wake();
  }

  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Sends what is due now; a wake while sending runs another round after it. */
  wake() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sendDue()
      .catch((error: unknown) => this.log.error({ err: error }, "webhook delivery failed"))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async sendDue() {
    for (;;) {
      const claimed = await this.claim();
      await Promise.all(claimed.map((delivery) => this.send(delivery)));
      if (claimed.length < BATCH || this.stopped) return;
    }
  }

  private claim() {
    return this.prisma.$queryRaw<Claimed[]>`
      UPDATE webhook_deliveries d
      SET next_attempt_at = now() + make_interval(secs => ${LEASE_SECONDS})
      FROM webhook_endpoints e
      WHERE d.endpoint_id = e.id AND d.id IN (
        SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now()
        ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.event, d.event_id, d.payload, d.attempts, e.url, e.secret`;
  }

  private async send(delivery: Claimed) {
    const body = JSON.stringify(delivery.payload);
    const attempt = delivery.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const secret = this.box.open(delivery.secret);
      const response = await fetch(delivery.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "llm-gateway-webhooks",
          "x-gateway-event": delivery.event,
          "x-gateway-delivery": delivery.event_id,
          [SIGNATURE_HEADER]: signatureHeader(secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = response.status;
      await response.body?.cancel();
      if (!response.ok) error = `answered ${response.status}`;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    if (error === null) {
      await this.prisma.$executeRaw`
        UPDATE webhook_deliveries SET status = 'delivered', attempts = ${attempt},
          last_status = ${status}, last_error = NULL, delivered_at = now()
        WHERE id = ${delivery.id}`;
      return;
    }
    const waitMs = Math.min(this.retryBaseMs * 2 ** (attempt - 1), 3_600_000);
    await this.prisma.$executeRaw`
      UPDATE webhook_deliveries SET attempts = ${attempt}, last_status = ${status},
        last_error = ${error.slice(0, 500)},
        status = CASE WHEN ${attempt} >= ${MAX_ATTEMPTS} THEN 'failed' ELSE 'pending' END,
        next_attempt_at = now() + make_interval(secs => ${waitMs / 1000}::float8)
      WHERE id = ${delivery.id}`;
    // A retry due before the next poll gets a timer of its own.
    if (attempt < MAX_ATTEMPTS && waitMs < POLL_MS)
      setTimeout(() => this.wake(), waitMs + 10).unref();
  }
}
