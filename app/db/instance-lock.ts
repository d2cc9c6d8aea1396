/**
 * The advisory lock (class, key) that marks an instance as alive, as SQL
 * arguments: the change listener's session holds it, and the ledger takes an
 * instance whose lock is free as dead (settleOrphans).
 */
export const INSTANCE_LOCK_CLASS = 0x67770001;
