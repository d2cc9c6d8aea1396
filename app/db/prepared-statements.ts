// PostgreSQL parses and plans an unnamed statement on every execution: for the
// ledger's batch statement (a dozen CTEs) that was ~1.1 ms of PostgreSQL's
// ~1.8 ms per lone request. A statement whose text starts with prepared(name)
// is sent under that name instead, so each connection parses it once and can
// reuse its plan (ADR 059). Only marked statements are named: a name stays
// prepared on its connection for the connection's life, so names must be few.
// pg refuses a name reused for another text, so a clash fails loudly.

const MARK = "/* prepared ";

/** Put first in a statement's text to have it prepared once per connection, as `name`. */
export function prepared(name: string): string {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`bad prepared statement name: ${name}`);
  return `${MARK}${name} */`;
}

/** The statement's name (for pg); "" (PostgreSQL's unnamed statement) for an unprepared one. */
export function statementName(sql: string): string {
  if (!sql.startsWith(MARK)) return "";
  return `gw_${sql.slice(MARK.length, sql.indexOf(" */", MARK.length))}`;
}
