import { Form } from "react-router";
import type { ProviderRow } from "#app/admin/providers-page.server.ts";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";

/** A provider's upstream keys by their first characters, each with its state and a switch. */
export function ProviderKeyList({ provider }: { provider: ProviderRow }) {
  return (
    <ul className="grid gap-1 text-sm">
      {provider.keys.length === 0 ? <li className="text-muted-foreground">No keys.</li> : null}
      {provider.keys.map((key) => (
        <li key={key.id} className="flex flex-wrap items-center gap-2">
          <code className="font-mono">{key.prefix}…</code>
          {key.fromEnv ? <Badge variant="outline">{key.fromEnv}</Badge> : null}
          {key.enabled ? null : <Badge variant="outline">disabled</Badge>}
          {key.state ? <Badge variant="outline">{key.state}</Badge> : null}
          {key.state && key.lastError ? (
            <span className="break-all text-muted-foreground">{key.lastError}</span>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="key" />
            <input type="hidden" name="slug" value={provider.slug} />
            <input type="hidden" name="id" value={key.id} />
            <input
              type="hidden"
              name="enabled"
              value={key.enabled && key.state !== "refused" ? "false" : "true"}
            />
            <Button type="submit" variant="ghost" size="sm">
              {key.enabled && key.state !== "refused" ? "Disable key" : "Enable key"}
            </Button>
          </Form>
        </li>
      ))}
    </ul>
  );
}
