import { Form, useLocation } from "react-router";
import { useRootData } from "#app/utils/root-data.ts";
import { nextTheme } from "#app/utils/theme.ts";
import { Button } from "./ui/button.tsx";

const LABELS = { system: "System theme", dark: "Dark theme", light: "Light theme" } as const;

/** Cycles the colour theme (system → dark → light); a plain form, so it works without JavaScript. */
export function ThemeToggle({ className }: { className?: string }) {
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
      >
        {LABELS[theme]}
      </Button>
    </Form>
  );
}
