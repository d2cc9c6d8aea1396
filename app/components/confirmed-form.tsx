import type { ReactNode } from "react";
import { Form } from "react-router";
import { Button } from "#app/components/ui/button.tsx";

/**
 * A destructive button that asks for a ticked "sure" box first (the browser
 * requires it; the action checks it too), with the hidden fields that say what
 * to delete.
 */
export function ConfirmedForm({
  fields,
  confirmLabel,
  children,
}: {
  fields: Record<string, string>;
  /** The box's accessible name, e.g. "Confirm deleting laptop". */
  confirmLabel: string;
  children: ReactNode;
}) {
  return (
    <Form method="post" className="flex items-center gap-2">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label className="flex items-center gap-1 text-xs text-muted-foreground">
        <input type="checkbox" name="confirm" value="yes" required aria-label={confirmLabel} /> sure
      </label>
      <Button type="submit" variant="destructive" size="sm">
        {children}
      </Button>
    </Form>
  );
}
