import { Form } from "react-router";
import { Button } from "#app/components/ui/button.tsx";

/** Works in `team` (the header's switcher, as a button), and comes back to the Teams page. */
export function SwitchForm({ team, label }: { team: { id: string }; label: string }) {
  return (
    <Form method="post" action="/dashboard/switch">
      <input type="hidden" name="account" value={team.id} />
      <input type="hidden" name="redirectTo" value="/dashboard/teams" />
      <Button type="submit" size="sm" variant="outline">
        {label}
      </Button>
    </Form>
  );
}
