import { Form, useLocation } from "react-router";
import { cn } from "#app/utils/cn.ts";

/**
 * The header's choice of account: the user's own, or one of their teams. A
 * `<details>` of plain forms, so it opens and switches without JavaScript; the
 * server remembers the choice in the session (POST /dashboard/switch).
 */
export function AccountSwitcher({
  current,
  teams,
}: {
  current: { id: string; name: string } | null;
  teams: { id: string; name: string }[];
}) {
  const { pathname } = useLocation();
  const choices = [{ id: "personal", name: "Personal" }, ...teams];
  const inUse = current?.id ?? "personal";
  return (
    <details key={pathname} className="relative">
      <summary
        className="flex cursor-pointer list-none items-center gap-1 rounded-md border px-2.5 py-1.5 text-sm font-medium select-none [&::-webkit-details-marker]:hidden"
        aria-label={`Account: ${current?.name ?? "Personal"}. Switch account`}
      >
        <span className="max-w-28 truncate sm:max-w-40">{current?.name ?? "Personal"}</span>
        <span aria-hidden="true">▾</span>
      </summary>
      <div className="absolute left-0 z-10 mt-2 grid w-64 gap-1 rounded-md border bg-background p-2 shadow-md">
        <p className="px-2 pb-1 text-xs text-muted-foreground">Work in</p>
        {choices.map((choice) => (
          <Form key={choice.id} method="post" action="/dashboard/switch">
            <input type="hidden" name="account" value={choice.id} />
            <input type="hidden" name="redirectTo" value={pathname} />
            <button
              type="submit"
              aria-current={choice.id === inUse ? "true" : undefined}
              className={cn(
                "w-full truncate rounded-md px-2 py-1.5 text-left text-sm hover:bg-accent",
                choice.id === inUse && "bg-accent font-medium",
              )}
            >
              {choice.name}
            </button>
          </Form>
        ))}
        <a
          href="/dashboard/teams"
          className="rounded-md px-2 py-1.5 text-sm underline-offset-4 hover:underline"
        >
          Manage teams…
        </a>
      </div>
    </details>
  );
}
