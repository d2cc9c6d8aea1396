import { Link } from "react-router";
import { AliasForm } from "#app/components/admin/alias-form.tsx";
import { AliasesTable } from "#app/components/admin/aliases-table.tsx";
import { AuditLogTable } from "#app/components/admin/audit-log-table.tsx";
import { GrantForm } from "#app/components/admin/grant-form.tsx";
import { ModelsTable } from "#app/components/admin/models-table.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import type { Route } from "./+types/dashboard.admin";

// The models: one readable table with a search; each model's limits and route
// prices are changed on its own page (dashboard.admin.models.$slug.tsx, ADR 050).
// Credits an admin grants, model aliases and the audit log below it. The
// loader's and action's logic: dashboard.admin.server.ts.

export { adminPage as loader, adminAction as action } from "./dashboard.admin.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Admin: models · LLM Gateway" }];

export default function Admin({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Models and prices</h1>
        <p className="text-sm text-muted-foreground">
          Prices in US dollars per 1M tokens, limits in tokens. Edit a model to change them: new
          requests use the change on every instance at once. Follow a public catalog on the{" "}
          <Link to="/dashboard/admin/prices" className="underline">
            price sync
          </Link>{" "}
          page.
        </p>
      </div>
      {actionData?.message ? (
        <p role="status" className="rounded-md border px-3 py-2 text-sm">
          {actionData.message}
        </p>
      ) : null}
      <ModelsTable models={loaderData.models} query={loaderData.query} />
      <section aria-labelledby="grant-credits" className="grid gap-2">
        <h2 id="grant-credits" className="text-lg font-semibold tracking-tight">
          Grant credits
        </h2>
        <GrantForm
          token={loaderData.grantToken}
          lastResult={actionData && "grant" in actionData ? actionData.grant : undefined}
        />
      </section>
      <section aria-labelledby="model-aliases" className="grid gap-2">
        <h2 id="model-aliases" className="text-lg font-semibold tracking-tight">
          Model aliases
        </h2>
        <p className="text-sm text-muted-foreground">
          One more name for a model (<code>default</code>, <code>fast</code>), accepted wherever a
          model is named and listed with the models. Keys that allow a model by an alias keep the
          model it stood for then.
        </p>
        <AliasesTable aliases={loaderData.aliases} />
        <AliasForm
          models={loaderData.modelSlugs}
          lastResult={actionData && "alias" in actionData ? actionData.alias : undefined}
        />
      </section>
      <div>
        <h2 className="text-lg font-semibold tracking-tight">Audit log</h2>
        <p className="text-sm text-muted-foreground">
          Sign-ins, keys, prices and credits: the latest {loaderData.auditEvents.length} events.
        </p>
      </div>
      <AuditLogTable events={loaderData.auditEvents} />
    </div>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
