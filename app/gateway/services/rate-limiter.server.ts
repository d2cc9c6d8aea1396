import type { Prisma } from "../../db/prisma.server.ts";
import { GatewayError } from "../../http/gateway-error.ts";

// Requests and tokens per minute per gateway key, across every instance on the
// database. Windows are whole minutes; their rows in rate_windows count what
// the instances have leased. An instance leases a tenth of the limit at a time
// and spends it in memory, so most requests never touch the database. Over one
// window the key gets at most its limit of requests (a grant never passes it);
// tokens, known only once a request ended, may pass the limit by the requests
// in flight when it was reached. See docs/decisions/026-key-rules.md.

const WINDOW_MS = 60_000;
/** How much of a limit one lease takes. */
const SLICE_FRACTION = 10;

type Kind = "requests" | "tokens";

interface Bucket {
  window: number;
  /** Leased and not yet spent here (tokens may go below zero: spent after the fact). */
  local: number;
  /** What every instance had leased together at this instance's last lease. */
  leasedEverywhere: number;
}

export interface KeyLimits {
  id: string;
  rpmLimit: number | null;
  tpmLimit: number | null;
}

/** What a request may be told of its key's limits (OpenAI's x-ratelimit-* headers). */
export type RateHeaders = Record<string, string>;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly prisma: Prisma;

  constructor(prisma: Prisma) {
    this.prisma = prisma;
  }

  /**
   * Takes one request from the key's window, if it has room for a request and
   * for tokens; a 429 with Retry-After and the headers otherwise. Resolves
   * with the headers of an admitted request (none for a key without limits).
   */
  async admit(key: KeyLimits): Promise<RateHeaders> {
    if (key.rpmLimit === null && key.tpmLimit === null) return {};
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const requests =
      key.rpmLimit === null
        ? undefined
        : await this.take(key.id, "requests", key.rpmLimit, window, 1);
    const tokens =
      key.tpmLimit === null
        ? undefined
        : await this.take(key.id, "tokens", key.tpmLimit, window, 0);
    const headers = {
      ...(requests ? headersOf("requests", key.rpmLimit!, requests.bucket, now) : {}),
      ...(tokens ? headersOf("tokens", key.tpmLimit!, tokens.bucket, now) : {}),
    };
    const refused =
      requests?.admitted === false ? "requests" : tokens?.admitted === false ? "tokens" : undefined;
    if (refused) {
      // A request refused for tokens gives its request back.
      if (requests?.admitted) requests.bucket.local += 1;
      const limit = refused === "requests" ? key.rpmLimit : key.tpmLimit;
      throw new GatewayError(
        429,
        `Rate limit reached: this key may use ${limit} ${refused} per minute; retry after the window ends`,
        {
          type: "rate_limit_error",
          code: "rate_limit_exceeded",
          retryAfter: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000)),
          headers,
        },
      );
    }
    return headers;
  }

  /** A request's tokens, spent from the key's window once it ended. */
  spendTokens(key: KeyLimits, tokens: number) {
    if (key.tpmLimit === null || tokens <= 0) return;
    const bucket = this.buckets.get(`${key.id}:tokens`);
    const window = Math.floor(Date.now() / WINDOW_MS);
    if (bucket?.window === window) bucket.local -= tokens;
    else void this.lease(key.id, "tokens", key.tpmLimit, window, tokens).catch(() => {});
  }

  /**
   * Spends `amount` (0: only checks that some remains) from the key's bucket,
   * leasing a slice first when the bucket cannot cover it.
   */
  private async take(id: string, kind: Kind, limit: number, window: number, amount: number) {
    const name = `${id}:${kind}`;
    let bucket = this.buckets.get(name);
    if (!bucket || bucket.window !== window) {
      bucket = { window, local: 0, leasedEverywhere: 0 };
      this.buckets.set(name, bucket);
    }
    if (bucket.local < Math.max(amount, 1)) {
      // Tokens are spent after the fact: a slice also covers what this instance overspent.
      const want = Math.max(Math.ceil(limit / SLICE_FRACTION), Math.max(amount, 1) - bucket.local);
      const leased = await this.lease(id, kind, limit, window, want);
      // Another request of this instance may have started a new window meanwhile.
      if (bucket.window === window) {
        bucket.local += leased.granted;
        bucket.leasedEverywhere = leased.total;
      }
    }
    const admitted = bucket.local >= Math.max(amount, 1);
    if (admitted) bucket.local -= amount;
    return { admitted, bucket };
  }

  /** Leases up to `slice` of the window for this instance: what it got, and the window's total. */
  private async lease(id: string, kind: Kind, limit: number, window: number, slice: number) {
    const start = new Date(window * WINDOW_MS);
    // The row may pass the limit by the part of the last slice not granted; grants never do.
    const rows = await this.prisma.$queryRaw<{ used: number }[]>`
      INSERT INTO rate_windows (api_key_id, kind, window_start, used)
      VALUES (${id}::uuid, ${kind}, ${start}, ${slice})
      ON CONFLICT (api_key_id, kind, window_start)
      DO UPDATE SET used = rate_windows.used + ${slice}
      WHERE rate_windows.used < ${limit}
      RETURNING used`;
    const used = rows[0]?.used;
    if (used === undefined) return { granted: 0, total: limit };
    return {
      granted: Math.max(0, Math.min(slice, limit - (used - slice))),
      total: Math.min(used, limit),
    };
  }
}

/** OpenAI's rate-limit headers: limit, what remains in the window as this instance knows it, when it resets. */
function headersOf(kind: Kind, limit: number, bucket: Bucket, now: number): RateHeaders {
  const used = Math.max(0, bucket.leasedEverywhere - Math.max(0, bucket.local));
  const reset = Math.max(1, Math.ceil(((bucket.window + 1) * WINDOW_MS - now) / 1000));
  return {
    [`x-ratelimit-limit-${kind}`]: String(limit),
    [`x-ratelimit-remaining-${kind}`]: String(Math.max(0, limit - used)),
    [`x-ratelimit-reset-${kind}`]: `${reset}s`,
  };
}

/** Deletes windows over an hour old; returns how many. */
export async function deleteOldRateWindows(prisma: Prisma) {
  const { count } = await prisma.rateWindow.deleteMany({
    where: { windowStart: { lt: new Date(Date.now() - 3_600_000) } },
  });
  return count;
}
