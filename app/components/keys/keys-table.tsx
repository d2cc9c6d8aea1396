import { Link } from "react-router";
import { DataTable, type Column } from "#app/components/data-table.tsx";
import { KeyActions } from "#app/components/keys/key-actions.tsx";
import { Badge } from "#app/components/ui/badge.tsx";

/** A key as the keys page lists it: money and dates already formatted by its loader. */
export interface KeyRow {
  id: string;
  name: string;
  createdBy: string | null;
  /** Why the gateway refuses it in a team (its maker's role), or null. */
  refused: string | null;
  prefix: string;
  enabled: boolean;
  logContent: boolean;
  spent: string;
  creditLimit: string | null;
  periodLimit: string | null;
  rules: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

/** The account's keys: what each spent, its limits and rules, and its buttons; cards on a phone. */
export function KeysTable({
  keys,
  showCreator,
  mayLoosen,
}: {
  keys: KeyRow[];
  showCreator: boolean;
  mayLoosen: boolean;
}) {
  const columns: Column<KeyRow>[] = [
    { header: "Name", unlabelled: true, cell: (key) => <KeyName apiKey={key} by={showCreator} /> },
    { header: "Key", className: "font-mono", cell: (key) => `${key.prefix}…` },
    { header: "Spent", cell: (key) => key.spent },
    {
      header: "Limit",
      cell: (key) => (
        <>
          {key.creditLimit ?? (key.periodLimit ? null : "none")}
          {key.periodLimit ? <div>{key.periodLimit}</div> : null}
        </>
      ),
    },
    {
      header: "Rules",
      cell: (key) => (
        <>
          {key.rules ?? "none"}{" "}
          <Link
            to={`/dashboard/keys/${key.id}#rules`}
            className="whitespace-nowrap underline underline-offset-4"
            aria-label={`Change the limits of ${key.name}`}
          >
            Change
          </Link>
        </>
      ),
    },
    {
      header: "Last used",
      cell: (key) => (key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString("en") : "never"),
    },
    { header: "Created", cell: (key) => new Date(key.createdAt).toLocaleDateString("en") },
    {
      header: "Actions",
      hideHeader: true,
      unlabelled: true,
      className: "flex flex-wrap justify-end gap-2",
      cell: (key) => <KeyActions apiKey={key} mayLoosen={mayLoosen} />,
    },
  ];
  return (
    <DataTable
      label="API keys"
      columns={columns}
      rows={keys}
      rowKey={(key) => key.id}
      cardsBelow="md"
      empty={
        <p className="rounded-lg border border-dashed p-8 text-center text-muted-foreground">
          No keys yet. Create one to call the gateway.
        </p>
      }
    />
  );
}

/** The key's name (a link to its page) with what stops or watches it, and in a team its maker. */
function KeyName({ apiKey, by }: { apiKey: KeyRow; by: boolean }) {
  return (
    <>
      <Link
        to={`/dashboard/keys/${apiKey.id}`}
        className="font-medium underline underline-offset-4"
      >
        {apiKey.name}
      </Link>{" "}
      {apiKey.enabled ? null : <Badge variant="outline">disabled</Badge>}{" "}
      {apiKey.refused ? <Badge variant="outline">{apiKey.refused}</Badge> : null}{" "}
      {apiKey.logContent ? <Badge variant="outline">logs content</Badge> : null}
      {by ? <div className="text-xs text-muted-foreground">by {apiKey.createdBy}</div> : null}
    </>
  );
}
