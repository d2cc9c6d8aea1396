import { Form, useLocation } from "react-router";
import { useRootData } from "#app/utils/root-data.ts";
import { nextTheme } from "#app/utils/theme.ts";
import { Button } from "./ui/button.tsx";

const LABELS = { system: "System theme", dark: "Dark theme", light: "Light theme" } as const;

/**
 * Cycles the colour theme (system → dark → light); a plain form, so it works without JavaScript.
 * `compact`: a half-filled circle named by its label, for the dashboard's header row at 1280 px.
 */
export function ThemeToggle({ className, compact }: { className?: string; compact?: boolean }) {
  const theme = useRootData()?.theme ?? "system";
  const { pathname, search } = useLocation();
  const next = nextTheme(theme);
  return (
    <Form method="post" action="/theme" className={className}>
      <input type="hidden" name="theme" value={next} />
      <input type="hidden" name="redirectTo" value={pathname + search} />
      <Button
        type="submit"
        variant="ghost"
        size="sm"
        title={`Switch to the ${LABELS[next].toLowerCase()}`}
        aria-label={compact ? LABELS[theme] : undefined}
        className={compact ? "px-1.5 text-muted-foreground" : undefined}
      >
        {compact ? (
          <svg
            aria-hidden="true"
            viewBox="0 0 24 24"
            className="size-5"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
          >
            <circle cx="12" cy="12" r="9" />
            <path d="M12 3a9 9 0 0 1 0 18z" fill="currentColor" />
          </svg>
        ) : (
          LABELS[theme]
        )}
      </Button>
    </Form>
  );
}
