// What serving a chat completion may cost, counted (never timed) by
// hot-path-budget.test.ts against the production build. A change that makes the
// hot path do more work fails that test until it raises a number here, on
// purpose, saying why in its commit. Lower a number when the work goes down.
export const HOT_PATH_BUDGET = {
  /**
   * Queries per request, one request at a time: BEGIN, the ledger's batch
   * statement (usage row, charge, hold), COMMIT. The key is cached and the
   * reservation comes out of the instance's hold in memory.
   */
  loneQueriesPerRequest: 3,
  /** Statements PostgreSQL parses per request once warm: BEGIN and COMMIT (the ledger's are prepared). */
  loneParsedPerRequest: 2,
  /**
   * Queries per request when 40 arrive at once. Group commit lets them share
   * transactions, but how many share one depends on timing (0.4–1.4 measured,
   * the most on a busy CI machine), so the budget is what they cost alone:
   * arriving together must never cost more.
   */
  concurrentQueriesPerRequest: 3,
  /**
   * Writes to the client's socket per SSE event of a streamed answer, headers
   * included (events that arrive together go in one write: ~0.12 measured).
   */
  clientWritesPerStreamedEvent: 1,
  /** Modules loaded while serving: the request path is loaded before /readyz says ready. */
  modulesLoadedWhileServing: 0,
  /** Queries the process's timers may add during one measurement, whatever requests do. */
  backgroundQueries: 4,
} as const;
