import { Form } from "react-router";
import { Button } from "#app/components/ui/button.tsx";

/** A button that changes one user (disable, make admin, a reset link), named with their email. */
export function UserChangeButton(props: {
  userId: string;
  intent: string;
  label: string;
  email: string;
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={props.intent} />
      <input type="hidden" name="userId" value={props.userId} />
      <Button
        type="submit"
        size="sm"
        variant="outline"
        aria-label={`${props.label}: ${props.email}`}
      >
        {props.label}
      </Button>
    </Form>
  );
}
