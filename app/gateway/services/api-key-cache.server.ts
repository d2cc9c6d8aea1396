import { combineGuardrails, type Guardrails } from "../../accounts/guardrails/guardrail-policy.ts";
import { compileGuardrails, type CompiledGuardrails } from "../guardrails.server.ts";
import type { Prisma } from "../../db/prisma.server.ts";
import { sql, type Sql } from "../../generated/prisma/internal/prismaNamespace.ts";
import type { TeamRole } from "../../generated/prisma/enums.ts";
import { hashApiKey } from "../../accounts/api-keys/api-key-secret.server.ts";
import { API_KEY_CHANNEL, type ChangeListener } from "../../db/change-listener.server.ts";

/** A key as its lookup reads it: the guardrails as stored, the key's and its team's. */
type KeyRow = Omit<ActiveApiKey, "guardrails"> & {
  keyGuardrails: Guardrails | null;
  teamGuardrails: Guardrails | null;
};

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
  /** Seconds its answers are kept in the response cache; null: it does not cache. */
  cacheTtlSeconds: number | null;
  /** Its guardrails and its team's, combined and compiled; null when neither has any. */
  guardrails: CompiledGuardrails | null;
  /**
   * A team's key (made by someone other than the account): its maker's role in
   * the team, null when they are no longer in it. Null for a personal key.
   */
  creatorRole: TeamRole | null;
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

  /**
   * The active key for a secret, or undefined for unknown, disabled and deleted
   * keys, and those of a maker an admin disabled (ADR 044). A team key comes with its maker's role, cached with it (the role's
   * changes notify the key's channel too), so that checking it costs a request
   * nothing once the key is cached.
   */
  async lookup(secret: string): Promise<ActiveApiKey | undefined> {
    const hash = hashApiKey(secret);
    const cached = this.byHash.get(hash);
    if (cached) return cached;
    const generation = this.generation;
    const key = await this.load(sql`k.secret_hash = ${hash}`);
    if (!key) return undefined;
    if (this.listener.connected && generation === this.generation) this.byHash.set(hash, key);
    return key;
  }

  /**
   * One active key with its maker's role. Raw SQL, as Prisma cannot look up a
   * row by two of the key's columns; the role comes from a SQL function whose
   * plan PostgreSQL keeps, so a lookup that misses the cache costs no more
   * than it did without the role (measured in ADR 033; a join did).
   */
  private async load(which: Sql): Promise<ActiveApiKey | undefined> {
    const [row] = await this.prisma.$queryRaw<KeyRow[]>`
      SELECT k.id, k.user_id AS "userId", k.created_by AS "createdById", k.prefix,
        k.secret_hash AS "secretHash", k.log_content AS "logContent", k.expires_at AS "expiresAt",
        COALESCE(k.allowed_models, '{}') AS "allowedModels", k.rpm_limit AS "rpmLimit",
        k.tpm_limit AS "tpmLimit",
        k.cache_ttl_seconds AS "cacheTtlSeconds", k.guardrails AS "keyGuardrails",
        gateway_team_guardrails(k.user_id) AS "teamGuardrails", gateway_key_creator_role(k.user_id, k.created_by) AS "creatorRole"
      FROM api_keys k
      WHERE ${which} AND k.enabled AND k.deleted_at IS NULL
        AND NOT gateway_user_disabled(k.created_by)`;
    if (!row) return undefined;
    const { keyGuardrails, teamGuardrails, ...key } = row;
    const policy = combineGuardrails(keyGuardrails, teamGuardrails);
    return { ...key, guardrails: policy && compileGuardrails(policy) };
  }
}
