import type pg from "pg";
import { hashApiKey } from "../utils/api-key.server.ts";
import { API_KEY_CHANNEL, type ChangeListener } from "./change-listener.server.ts";

export interface ActiveApiKey {
  id: string;
  userId: string;
}

/**
 * Active keys by secret hash. Entries live until a change notification names
 * them; while the listener is down every lookup goes to the database, so a
 * disabled key never outlives its notification.
 */
export class ApiKeyCache {
  private readonly byHash = new Map<string, ActiveApiKey>();

  private readonly db: pg.Pool;
  private readonly listener: ChangeListener;

  constructor(db: pg.Pool, listener: ChangeListener) {
    this.db = db;
    this.listener = listener;
    listener.on(API_KEY_CHANNEL, (hash) => this.byHash.delete(hash));
    listener.onConnectionLost(() => this.byHash.clear());
  }

  /** The active key for a secret, or undefined for unknown, disabled and deleted keys. */
  async lookup(secret: string): Promise<ActiveApiKey | undefined> {
    const hash = hashApiKey(secret);
    const cached = this.byHash.get(hash);
    if (cached) return cached;
    const { rows } = await this.db.query<{ id: string; user_id: string }>(
      "SELECT id, user_id FROM api_keys WHERE secret_hash = $1 AND enabled AND deleted_at IS NULL",
      [hash],
    );
    const row = rows[0];
    if (!row) return undefined;
    const key = { id: row.id, userId: row.user_id };
    if (this.listener.connected) this.byHash.set(hash, key);
    return key;
  }
}
