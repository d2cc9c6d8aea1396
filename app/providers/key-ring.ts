import { UpstreamError, type ProviderAdapter } from "./adapter.ts";

/** How long a key rests after a 429 that named no Retry-After. */
export const DEFAULT_COOLDOWN_SECONDS = 10;

export interface RingKey {
  id: number;
  adapter: ProviderAdapter;
  /** Epoch ms until which the key is skipped (a 429); 0 when it is not cooling. */
  coolingUntil: number;
}

/** What happened to a key, for the registry to record on every instance. */
export type KeyEvent =
  | { kind: "cooling"; keyId: number; until: Date; error: string }
  | { kind: "invalid"; keyId: number; error: string };

/**
 * A provider's upstream keys behind one adapter: requests take them in turn,
 * skipping a key that is cooling down after a 429 and dropping one the provider
 * refused (401/403). A failed key's error is rethrown as retryable at once when
 * another key is ready, so the run's retry goes to it without waiting.
 */
export function keyRing(
  provider: string,
  keys: RingKey[],
  onEvent: (event: KeyEvent) => void,
): ProviderAdapter {
  const live = [...keys];
  let next = 0;

  const pick = (): RingKey => {
    const now = Date.now();
    for (let i = 0; i < live.length; i++) {
      const key = live[(next + i) % live.length]!;
      if (key.coolingUntil <= now) {
        next = (next + i + 1) % live.length;
        return key;
      }
    }
    throw unavailable(now);
  };

  const unavailable = (now: number) => {
    if (live.length === 0)
      return new UpstreamError(`${provider}: every upstream key was refused`, {
        status: 502,
        retryable: true,
        code: "upstream_keys_invalid",
      });
    const soonest = Math.min(...live.map((key) => key.coolingUntil));
    return new UpstreamError(`${provider}: every upstream key is rate-limited`, {
      status: 429,
      retryable: true,
      code: "upstream_rate_limited",
      retryAfterSeconds: Math.max(0, (soonest - now) / 1000),
    });
  };

  /** Records what the failure says about the key; the error to throw. */
  const failed = (key: RingKey, error: unknown) => {
    if (!(error instanceof UpstreamError)) return error;
    // Requests failing together on one key record it once.
    if (error.code === "upstream_rate_limited") {
      const wasCooling = key.coolingUntil > Date.now();
      const seconds = error.retryAfterSeconds ?? DEFAULT_COOLDOWN_SECONDS;
      key.coolingUntil = Math.max(key.coolingUntil, Date.now() + seconds * 1000);
      if (!wasCooling)
        onEvent({
          kind: "cooling",
          keyId: key.id,
          until: new Date(key.coolingUntil),
          error: error.message,
        });
    } else if (error.code === "upstream_auth_failed") {
      const at = live.indexOf(key);
      if (at !== -1) {
        live.splice(at, 1);
        onEvent({ kind: "invalid", keyId: key.id, error: error.message });
      }
    } else return error;
    const another = live.some((other) => other.coolingUntil <= Date.now());
    return another
      ? new UpstreamError(error.message, {
          status: error.status,
          retryable: true,
          code: error.code,
          retryAfterSeconds: 0,
        })
      : error;
  };

  const withKey = async <T>(call: (adapter: ProviderAdapter) => Promise<T>): Promise<T> => {
    const key = pick();
    try {
      return await call(key.adapter);
    } catch (error) {
      throw failed(key, error);
    }
  };

  // One provider's keys: one kind of adapter, so the first key's says what they all can do:
  // its flags as they are, each of its calls (chats, embeddings, images, speech, transcriptions)
  // made with the next key. Passing on every call it has keeps a new one from being lost here.
  type Call = (call: unknown) => Promise<unknown>;
  const ring: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(keys[0]!.adapter))
    ring[name] =
      typeof value === "function"
        ? (call: unknown) =>
            withKey((adapter) => (adapter as unknown as Record<string, Call>)[name]!(call))
        : value;
  if (keys.some((key) => key.adapter.wholeAnswers)) ring.wholeAnswers = true;
  return ring as unknown as ProviderAdapter;
}
