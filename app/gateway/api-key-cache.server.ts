import type { Prisma } from "../db/prisma.server.ts";
import { hashApiKey } from "../utils/api-key.server.ts";
import { API_KEY_CHANNEL, type ChangeListener } from "./change-listener.server.ts";

export interface ActiveApiKey {
  id: string;
  /** The account it spends from. */
  userId: string;
  /** Who made it: in a team, the member whose monthly limit it counts against. */
  createdById: string;
  /** The secret's first characters, as the dashboard shows them (for logs). */
  prefix: string;
  /** The secret's hash: change notifications name keys by it. */
  secretHash: string;
  /** Its requests' prompts and answers are stored. */
  logContent: boolean;
  /** Refused from then on. */
  expiresAt: Date | null;
  /** The models it may use; empty for all. */
  allowedModels: string[];
  rpmLimit: number | null;
  tpmLimit: number | null;
}

/**
 * Active keys by secret hash. Entries live until a change notification names
 * them; while the listener is down every lookup goes to the database, so a
 * disabled key never outlives its notification. `onChange` hears of every key
 * a notification names, cached or not (its hold goes back, its running
 * requests are checked): the cache is emptied when the connection drops, but
 * the requests the key was running still run.
 */
export class ApiKeyCache {
  private readonly byHash = new Map<string, ActiveApiKey>();
  /** Counts connection losses: a lookup that spanned one may have missed a notification. */
  private generation = 0;

  private readonly prisma: Prisma;
  private readonly listener: ChangeListener;

  constructor(
    prisma: Prisma,
    listener: ChangeListener,
    onChange: (secretHash: string, cachedId: string | undefined) => void,
  ) {
    this.prisma = prisma;
    this.listener = listener;
    listener.on(API_KEY_CHANNEL, (hash) => {
      const key = this.byHash.get(hash);
      this.byHash.delete(hash);
      onChange(hash, key?.id);
    });
    listener.onConnectionLost(() => {
      this.generation += 1;
      this.byHash.clear();
    });
  }

  /** The active key for a secret, or undefined for unknown, disabled and deleted keys. */
  async lookup(secret: string): Promise<ActiveApiKey | undefined> {
    const hash = hashApiKey(secret);
    const cached = this.byHash.get(hash);
    if (cached) return cached;
    const generation = this.generation;
    const key = await this.prisma.apiKey.findFirst({
      where: { secretHash: hash, enabled: true, deletedAt: null },
      select: {
        id: true,
        userId: true,
        createdById: true,
        prefix: true,
        secretHash: true,
        logContent: true,
        expiresAt: true,
        allowedModels: true,
        rpmLimit: true,
        tpmLimit: true,
      },
    });
    if (!key) return undefined;
    if (this.listener.connected && generation === this.generation) this.byHash.set(hash, key);
    return key;
  }
}
