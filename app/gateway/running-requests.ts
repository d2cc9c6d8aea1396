import type { ConversationRow } from "../billing/ledger-statements.server.ts";
import type { GatewayError } from "../http/gateway-error.ts";

/** What a running request had produced, as the usage row another instance writes if this one dies. */
export interface ProgressRecord {
  requestId: string;
  holdId: string | null;
  conversation: ConversationRow;
}

/** A request running on behalf of an API key. */
export interface Revocable {
  /** Stop now for `reason` (the key was revoked, the server is stopping): the client gets it as an error. */
  revoke(reason: GatewayError): void;
  /** Resolves once the request has settled. */
  whenSettled(): Promise<void>;
  /** Its progress if it has something new to record (and ran long enough to be worth it). */
  progress(now: number): Promise<ProgressRecord | undefined>;
}

/**
 * The requests this instance is running, by API key, so that revoking a key
 * ends its running streams too, not only its next requests.
 */
export class RunningRequests {
  private readonly byKey = new Map<string, Set<Revocable>>();

  /** Registers `run`; returns the function that forgets it. */
  add(apiKeyId: string, run: Revocable): () => void {
    let runs = this.byKey.get(apiKeyId);
    if (!runs) this.byKey.set(apiKeyId, (runs = new Set()));
    runs.add(run);
    return () => {
      runs.delete(run);
      if (runs.size === 0 && this.byKey.get(apiKeyId) === runs) this.byKey.delete(apiKeyId);
    };
  }

  *all(): Iterable<Revocable> {
    for (const runs of this.byKey.values()) yield* runs;
  }

  /** How many requests are running. */
  get size() {
    let count = 0;
    for (const runs of this.byKey.values()) count += runs.size;
    return count;
  }

  has(apiKeyId: string) {
    return this.byKey.has(apiKeyId);
  }

  revokeKey(apiKeyId: string, reason: GatewayError) {
    for (const run of this.byKey.get(apiKeyId) ?? []) run.revoke(reason);
  }

  /** Stops every running request; resolves once they have all settled. */
  async stopAll(reason: GatewayError) {
    const runs = [...this.all()];
    for (const run of runs) run.revoke(reason);
    await Promise.all(runs.map((run) => run.whenSettled()));
  }
}
