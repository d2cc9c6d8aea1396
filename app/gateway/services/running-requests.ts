import type { ConversationRow } from "../../billing/ledger-statements.server.ts";
import type { GatewayError } from "../../http/gateway-error.ts";

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

/** The key a request runs on: its id, the hash change notifications name it by, and its expiry. */
export interface RunningKey {
  id: string;
  secretHash: string;
  expiresAt: Date | null;
}

interface KeyRuns {
  secretHash: string;
  runs: Set<Revocable>;
  /** Ends the key's runs when it expires. */
  expiry: NodeJS.Timeout | undefined;
}

/** setTimeout's longest delay (about 24.8 days): a request never runs that long. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * The requests this instance is running, by API key, so that revoking a key
 * ends its running streams too, not only its next requests; and so that a key
 * that expires while they run ends them then (`expired` is their error).
 */
export class RunningRequests {
  private readonly byKey = new Map<string, KeyRuns>();
  private readonly expired: GatewayError;

  constructor(options: { expired: GatewayError }) {
    this.expired = options.expired;
  }

  /** Registers `run`; returns the function that forgets it. */
  add(key: RunningKey, run: Revocable): () => void {
    let entry = this.byKey.get(key.id);
    if (!entry) {
      entry = { secretHash: key.secretHash, runs: new Set(), expiry: undefined };
      this.byKey.set(key.id, entry);
      this.expireAt(key.id, key.expiresAt);
    }
    const added = entry;
    added.runs.add(run);
    // A run added after the key expired (it checked the key just before) ends now too.
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) run.revoke(this.expired);
    return () => {
      added.runs.delete(run);
      if (added.runs.size > 0 || this.byKey.get(key.id) !== added) return;
      clearTimeout(added.expiry);
      this.byKey.delete(key.id);
    };
  }

  *all(): Iterable<Revocable> {
    for (const { runs } of this.byKey.values()) yield* runs;
  }

  /** How many requests are running. */
  get size() {
    let count = 0;
    for (const { runs } of this.byKey.values()) count += runs.size;
    return count;
  }

  has(apiKeyId: string) {
    return this.byKey.has(apiKeyId);
  }

  /** The keys that have requests running. */
  keyIds(): string[] {
    return [...this.byKey.keys()];
  }

  /** The running keys whose secret hashes to `secretHash` (what a change notification names). */
  keyIdsWithHash(secretHash: string): string[] {
    return [...this.byKey].flatMap(([id, entry]) => (entry.secretHash === secretHash ? [id] : []));
  }

  revokeKey(apiKeyId: string, reason: GatewayError) {
    for (const run of this.byKey.get(apiKeyId)?.runs ?? []) run.revoke(reason);
  }

  /** The key's runs end at `expiresAt` (null: never), e.g. when its expiry was changed. */
  expireAt(apiKeyId: string, expiresAt: Date | null) {
    const entry = this.byKey.get(apiKeyId);
    if (!entry) return;
    clearTimeout(entry.expiry);
    entry.expiry = undefined;
    if (!expiresAt) return;
    const delay = Math.max(0, expiresAt.getTime() - Date.now());
    if (delay > LONGEST_TIMER_MS) return;
    entry.expiry = setTimeout(() => this.revokeKey(apiKeyId, this.expired), delay);
    entry.expiry.unref();
  }

  /** Stops every running request; resolves once they have all settled. */
  async stopAll(reason: GatewayError) {
    const runs = [...this.all()];
    for (const run of runs) run.revoke(reason);
    await Promise.all(runs.map((run) => run.whenSettled()));
  }
}
