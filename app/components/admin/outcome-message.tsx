/** What a button or a form did: a status line, or an alert when it failed. */
export function OutcomeMessage({ ok, message }: { ok: boolean; message: string }) {
  return (
    <p
      role={ok ? "status" : "alert"}
      className={
        ok
          ? "rounded-md border px-3 py-2 text-sm break-words"
          : "rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm break-words text-destructive"
      }
    >
      {message}
    </p>
  );
}
