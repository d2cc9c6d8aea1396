import { Form } from "react-router";
import { ConfirmedForm } from "#app/components/confirmed-form.tsx";
import { Button } from "#app/components/ui/button.tsx";

interface KeyState {
  id: string;
  name: string;
  enabled: boolean;
  logContent: boolean;
}

/**
 * A key's buttons: enable or disable, content logging on or off, delete (with
 * a box to tick). A team member makes their keys stricter only (issue #21):
 * without `mayLoosen` the buttons that would loosen are not offered.
 */
export function KeyActions({ apiKey, mayLoosen }: { apiKey: KeyState; mayLoosen: boolean }) {
  return (
    <>
      {apiKey.enabled || mayLoosen ? (
        <KeyButton
          apiKey={apiKey}
          intent="toggle"
          field={["enabled", apiKey.enabled ? "false" : "true"]}
        >
          {apiKey.enabled ? "Disable" : "Enable"}
        </KeyButton>
      ) : (
        <span className="text-xs text-muted-foreground">
          An owner or admin can enable it again.
        </span>
      )}
      {apiKey.logContent && !mayLoosen ? null : (
        <KeyButton
          apiKey={apiKey}
          intent="content"
          field={["logContent", apiKey.logContent ? "false" : "true"]}
          title="Store this key's prompts and answers with its usage (erased after the retention period)"
        >
          {apiKey.logContent ? "Stop logging content" : "Log content"}
        </KeyButton>
      )}
      <ConfirmedForm
        fields={{ intent: "delete", id: apiKey.id }}
        confirmLabel={`Confirm deleting ${apiKey.name}`}
      >
        Delete
      </ConfirmedForm>
    </>
  );
}

/** One switch of a key: a form of hidden fields and its button. */
function KeyButton({
  apiKey,
  intent,
  field: [name, value],
  title,
  children,
}: {
  apiKey: KeyState;
  intent: string;
  field: [string, string];
  title?: string;
  children: string;
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={apiKey.id} />
      <input type="hidden" name={name} value={value} />
      <Button type="submit" variant="outline" size="sm" title={title}>
        {children}
      </Button>
    </Form>
  );
}
