import type { SubmissionResult } from "@conform-to/react";
import { ConfirmedForm } from "#app/components/confirmed-form.tsx";
import { DataTable, type Column } from "#app/components/data-table.tsx";
import { SaveKeyForm } from "#app/components/provider-keys/save-key-form.tsx";
import { Badge } from "#app/components/ui/badge.tsx";

/** An enabled provider with the account's own key on it, if any (prefix only). */
export interface ProviderKeyRow {
  slug: string;
  name: string;
  key: { prefix: string; fallback: boolean; refused: boolean; lastError: string | null } | null;
}

/** Each enabled provider: the account's key on it, the form to save or replace it, removal. */
export function ProviderKeysTable({
  providers,
  answer,
}: {
  providers: ProviderKeyRow[];
  /** What the action answered, for the provider whose form sent it. */
  answer?: { provider: string; result: SubmissionResult<string[]> };
}) {
  const columns: Column<ProviderKeyRow>[] = [
    {
      header: "Provider",
      unlabelled: true,
      cell: (provider) => (
        <>
          {provider.name} <span className="text-muted-foreground">({provider.slug})</span>
        </>
      ),
    },
    { header: "Your key", cell: (provider) => <KeyState provider={provider} /> },
    {
      header: "Actions",
      hideHeader: true,
      unlabelled: true,
      className: "grid gap-2",
      cell: (provider) => (
        <>
          <SaveKeyForm
            provider={provider}
            lastResult={answer?.provider === provider.slug ? answer.result : undefined}
          />
          {provider.key ? <RemoveKeyForm provider={provider} /> : null}
        </>
      ),
    },
  ];
  return (
    <DataTable
      label="Provider keys"
      columns={columns}
      rows={providers}
      rowKey={(provider) => provider.slug}
      rowClassName="align-top"
    />
  );
}

function KeyState({ provider: { key } }: { provider: ProviderKeyRow }) {
  if (!key) return <span className="text-muted-foreground">none</span>;
  return (
    <>
      <span className="font-mono">{key.prefix}…</span>{" "}
      {key.fallback ? <Badge variant="outline">falls back</Badge> : null}{" "}
      {key.refused ? (
        <Badge
          variant="outline"
          className="border-destructive text-destructive"
          title={key.lastError ?? undefined}
        >
          refused by the provider
        </Badge>
      ) : null}
    </>
  );
}

function RemoveKeyForm({ provider }: { provider: ProviderKeyRow }) {
  return (
    <ConfirmedForm
      fields={{ intent: "remove", provider: provider.slug }}
      confirmLabel={`Confirm removing your ${provider.name} key`}
    >
      Remove
    </ConfirmedForm>
  );
}
