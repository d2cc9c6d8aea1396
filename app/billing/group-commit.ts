/**
 * Group commit: operations submitted while a batch is being written wait and
 * go together into the next one, so many requests share one transaction (one
 * BEGIN/COMMIT, one WAL flush). A lone operation starts a batch at once: there
 * is no timer on the idle path, only a microtask so that operations submitted
 * in the same tick travel together.
 *
 * `write` gets the whole batch and returns one outcome per operation, in order,
 * so that one refused operation never fails its neighbours.
 */
export class GroupCommit<Operation, Outcome> {
  private queue: Pending<Operation, Outcome>[] = [];
  private running: Promise<void> | undefined;
  private readonly write: (batch: Operation[]) => Promise<Settled<Outcome>[]>;
  private readonly maxBatch: number;

  constructor(write: (batch: Operation[]) => Promise<Settled<Outcome>[]>, maxBatch = 500) {
    this.write = write;
    this.maxBatch = maxBatch;
  }

  submit(operation: Operation): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.queue.push({ operation, resolve, reject });
      this.running ??= Promise.resolve().then(() => this.drain());
    });
  }

  /** Resolves once everything submitted so far is written. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain() {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        let outcomes: Settled<Outcome>[];
        try {
          outcomes = await this.write(batch.map((pending) => pending.operation));
        } catch (error) {
          outcomes = batch.map(() => ({ ok: false, error }));
        }
        batch.forEach((pending, index) => {
          const outcome = outcomes[index] ?? { ok: false, error: new Error("no outcome") };
          if (outcome.ok) pending.resolve(outcome.value);
          else pending.reject(outcome.error);
        });
      }
    } finally {
      this.running = undefined;
    }
  }
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Pending<Operation, Outcome> {
  operation: Operation;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}
