import type pg from "pg";

// What the process asks of PostgreSQL, counted at the driver: every query is
// a round trip (BEGIN and COMMIT included), and every statement PostgreSQL
// had to parse (unnamed ones each time, prepared ones once per connection).
// On /metrics, so an operator sees the database work per request, and the
// hot-path budget test (tests/performance) fails when it grows.

export interface QueryCounts {
  queries: number;
  parsed: number;
}

type CountedClient = pg.PoolClient & {
  connection: { parse(...args: unknown[]): void; query(...args: unknown[]): void };
};

/** Counts every query the pool's connections send, from now on. */
export function countQueries(pool: pg.Pool): QueryCounts {
  const counts: QueryCounts = { queries: 0, parsed: 0 };
  pool.on("connect", (client) => {
    const connection = (client as CountedClient).connection;
    const query = client.query;
    client.query = function (this: pg.PoolClient, ...args: unknown[]) {
      counts.queries += 1;
      return (query as (...args: unknown[]) => unknown).apply(this, args);
    } as typeof client.query;
    // A statement is parsed when sent for the extended protocol's Parse, or as
    // a simple query (a query without parameters: BEGIN, COMMIT...).
    for (const message of ["parse", "query"] as const) {
      const send = connection[message];
      connection[message] = function (this: unknown, ...args: unknown[]) {
        counts.parsed += 1;
        return send.apply(this, args);
      };
    }
  });
  return counts;
}
