/**
 * Says that the usage figures below come from a read replica that is behind (ADR 064):
 * requests after `asOf` are not in them yet. Nothing when they are current.
 */
export function UsageAsOf({ asOf }: { asOf: string | null }) {
  if (!asOf) return null;
  const at = new Date(asOf);
  return (
    <p
      role="status"
      data-testid="usage-as-of"
      className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      Usage figures as of <time dateTime={asOf}>{at.toISOString().slice(11, 19)} UTC</time>: the
      database copy they are read from is catching up, so the latest requests may not show yet.
    </p>
  );
}
