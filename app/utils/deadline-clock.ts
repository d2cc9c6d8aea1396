/** Something that must happen by `deadline` (performance.now() time), else it expires. */
export interface Expiring {
  deadline: number;
  /** Called once, when the deadline has passed; the clock has forgotten it already. */
  expire(): void;
}

/**
 * One interval for many deadlines: each tick expires those that passed, so a
 * request with a deadline costs no timer of its own. A deadline is kept to
 * within a tick; moving one is writing `deadline`. The interval runs only
 * while something is watched.
 */
export class DeadlineClock {
  private readonly watched = new Set<Expiring>();
  private readonly tickMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(tickMs: number) {
    this.tickMs = tickMs;
  }

  watch(item: Expiring) {
    this.watched.add(item);
    this.timer ??= setInterval(this.tick, this.tickMs).unref();
  }

  forget(item: Expiring) {
    this.watched.delete(item);
  }

  private readonly tick = () => {
    // Stopped only when a whole tick found nothing to watch, so busy times start no timers.
    if (this.watched.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = performance.now();
    for (const item of this.watched) {
      if (now < item.deadline) continue;
      this.watched.delete(item);
      item.expire();
    }
  };
}
