import { Link } from "react-router";
import { CreateKeyForm } from "#app/components/keys/create-key-form.tsx";
import { KeysTable } from "#app/components/keys/keys-table.tsx";
import { NewKeyCard } from "#app/components/keys/new-key-card.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import type { Route } from "./+types/dashboard.keys";

// API keys: make one (its secret shown once), and each key's spend, limits,
// rules and switches. The loader and action are in dashboard.keys.server.ts.

export { loadKeysPage as loader, keysPageAction as action } from "./dashboard.keys.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "API keys · LLM Gateway" }];

export default function Keys({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
      {actionData?.secret ? (
        <NewKeyCard
          name={"name" in actionData ? actionData.name : ""}
          secret={actionData.secret}
          baseUrl={loaderData.baseUrl}
        />
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>Create a key</CardTitle>
          <CardDescription>
            Everything but the name is optional: a credit limit caps what the key may ever spend, a
            daily or monthly one what it spends per UTC day or month; it may expire, be kept to some
            models, and be limited per minute. To be told when a key nears its limit, or the balance
            runs low, set{" "}
            <Link to="/dashboard/alerts" className="underline">
              alerts and webhooks
            </Link>
            .
          </CardDescription>
        </CardHeader>
        <CardContent>
          <CreateKeyForm lastResult={actionData?.result} />
        </CardContent>
      </Card>
      <KeysTable
        keys={loaderData.keys}
        showCreator={loaderData.showCreator}
        mayLoosen={loaderData.mayLoosen}
      />
    </div>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
