import pg from "pg";
import { INSTANCE_LOCK_CLASS } from "./instance-lock.ts";
import type { Logger } from "../observability/logger.server.ts";

export const API_KEY_CHANNEL = "gateway_api_key_changed";
export const CATALOG_CHANNEL = "gateway_catalog_changed";

/**
 * One LISTEN connection per process, fed by the triggers in
 * prisma/migrations/20261127110000_change_notifications. While it is not
 * connected, `connected` is false and caches must not be trusted. The same
 * session holds the instance's advisory lock: other instances take its being
 * free as this process being dead (see settleOrphans).
 */
export class ChangeListener {
  connected = false;
  /** The client of the connection, or of the attempt to connect, in progress: only its loss counts. */
  private client: pg.Client | undefined;
  private stopped = false;
  private readonly handlers = new Map<string, ((payload: string) => void)[]>();
  private readonly onDisconnect: (() => void)[] = [];
  private readonly onReconnect: (() => void)[] = [];
  /** Connected before: the next connection is a reconnection. */
  private wasEverConnected = false;

  private readonly databaseUrl: string;
  private readonly log: Logger;
  private readonly instance: string | undefined;

  /** `instance`: the ledger's instance id, whose lock this connection holds. */
  constructor(databaseUrl: string, log: Logger, instance?: string) {
    this.databaseUrl = databaseUrl;
    this.log = log;
    this.instance = instance;
  }

  on(channel: string, handler: (payload: string) => void) {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
  }

  /** Called whenever the connection is lost: notifications may have been missed. */
  onConnectionLost(handler: () => void) {
    this.onDisconnect.push(handler);
  }

  /** Called once the connection is back after a loss: what was missed meanwhile can be checked now. */
  onReconnected(handler: () => void) {
    this.onReconnect.push(handler);
  }

  async start() {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.databaseUrl });
    this.client = client;
    client.on("notification", (message) => {
      for (const handler of this.handlers.get(message.channel) ?? [])
        handler(message.payload ?? "");
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      if (this.instance !== undefined) {
        await client.query("SELECT pg_advisory_lock($1::int, hashtext($2))", [
          INSTANCE_LOCK_CLASS,
          this.instance,
        ]);
      }
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return; // lost (or stopped) while connecting
    this.connected = true;
    const reconnected = this.wasEverConnected;
    this.wasEverConnected = true;
    if (reconnected) {
      this.log.info("change listener reconnected");
      for (const handler of this.onReconnect) handler();
    }
  }

  /**
   * The connection (or the attempt) failed. A client reports one loss several
   * times (a failed connect, then its error, then its end): only the first
   * counts, or every loss would start one more retry loop, and each would hold
   * a connection of its own.
   */
  private lost(client: pg.Client, error?: unknown) {
    if (this.client !== client) return;
    const wasConnected = this.connected;
    this.connected = false;
    this.client = undefined;
    for (const handler of this.onDisconnect) handler();
    client.end().catch(() => {});
    if (this.stopped) return;
    if (wasConnected) this.log.warn({ err: error }, "change listener disconnected; retrying");
    setTimeout(() => void this.start(), 1000).unref();
  }

  async stop() {
    this.stopped = true;
    this.connected = false;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
