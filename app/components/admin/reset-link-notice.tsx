import { CopyButton } from "#app/components/copy-button.tsx";

/** A password reset link an admin made: shown once, to be passed on, never stored in the clear. */
export function ResetLinkNotice({
  resetLink,
}: {
  resetLink: { email: string; link: string; minutes: number };
}) {
  return (
    <div role="status" className="grid gap-2 rounded-md border border-primary p-3 text-sm">
      <p>
        A password reset link for {resetLink.email}: pass it on, it works once, for{" "}
        {resetLink.minutes} minutes, and is not shown again.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <code
          data-testid="reset-link"
          className="rounded-md bg-secondary px-3 py-2 font-mono break-all"
        >
          {resetLink.link}
        </code>
        <CopyButton text={resetLink.link} label="Copy link" />
      </div>
    </div>
  );
}
