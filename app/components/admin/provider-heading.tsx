import { Form } from "react-router";
import type { ProviderRow } from "#app/admin/providers-page.server.ts";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";

/** A provider's name, kind and address, with its Test and Enable/Disable buttons. */
export function ProviderHeading({ provider }: { provider: ProviderRow }) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <h2 className="font-medium">{provider.name}</h2>
      <Badge variant="outline">{provider.kind}</Badge>
      {provider.enabled ? null : <Badge variant="outline">disabled</Badge>}
      <span className="text-sm break-all text-muted-foreground">
        {provider.baseUrl ?? "official API"}
      </span>
      {provider.skipped ? <Badge>skipped: failing</Badge> : null}
      <div className="ml-auto flex gap-2">
        <Form method="post">
          <input type="hidden" name="intent" value="test" />
          <input type="hidden" name="slug" value={provider.slug} />
          <Button type="submit" variant="outline" size="sm">
            Test {provider.slug}
          </Button>
        </Form>
        <Form method="post">
          <input type="hidden" name="intent" value="provider" />
          <input type="hidden" name="slug" value={provider.slug} />
          <input type="hidden" name="enabled" value={provider.enabled ? "false" : "true"} />
          <Button type="submit" variant="outline" size="sm">
            {provider.enabled ? "Disable" : "Enable"}
          </Button>
        </Form>
      </div>
    </div>
  );
}
