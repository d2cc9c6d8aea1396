import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import { providersPage } from "#app/admin/providers-page.server.ts";
import { AddProviderForm } from "#app/components/admin/add-provider-form.tsx";
import { OutcomeMessage } from "#app/components/admin/outcome-message.tsx";
import { ProviderSection } from "#app/components/admin/provider-section.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import type { Route } from "./+types/dashboard.admin.providers";

// Providers and their upstream keys, for admins: the same operations as the
// admin JSON API (app/admin/), as plain forms that work without JavaScript.
// Keys are shown by their first characters only. A form's bad value answers
// beside its field, what was typed kept (ADR 046, ADR 050); a button's outcome
// (test, enable) shows in its provider's section. The action's logic:
// dashboard.admin.providers.server.ts.

export async function loader({ request }: Route.LoaderArgs) {
  await requireAdminId(request);
  return providersPage(getAccounts().prisma, await getGateway());
}

export { providersAction as action } from "./dashboard.admin.providers.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Admin: providers · LLM Gateway" }];

export default function Providers({ loaderData, actionData }: Route.ComponentProps) {
  // A form's answer goes back to that form only: the others on the page stay as they were.
  const answer = (form: string) => (actionData?.form === form ? actionData.result : undefined);
  // Said in a provider's section: a button's outcome, or a form's success (its errors sit beside its fields).
  // A new React key after a form's success: it starts empty again, an upstream key typed into it gone.
  const fresh = (form: string) =>
    actionData?.form === form && actionData.ok ? `${form}:${actionData.message}` : form;
  const said = (slug: string) =>
    actionData?.slug === slug && (actionData.ok || !actionData.form) ? actionData : null;
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Providers</h1>
        <p className="text-sm text-muted-foreground">
          Upstream APIs and their keys. Changes apply to new requests on every instance within a
          second.
        </p>
      </div>
      {actionData && !actionData.ok && !actionData.slug && !actionData.form ? (
        <OutcomeMessage ok={false} message={actionData.message} />
      ) : null}
      {loaderData.providers.map((provider) => (
        <ProviderSection
          key={provider.slug}
          provider={provider}
          healthMinutes={loaderData.healthMinutes}
          answers={{ answer, fresh, said: said(provider.slug) }}
        />
      ))}
      <section className="grid gap-3 rounded-lg border p-4" aria-label="Add a provider">
        <h2 className="font-medium">Add a provider</h2>
        {actionData?.form === "add-provider" && actionData.ok ? (
          <OutcomeMessage ok message={actionData.message} />
        ) : null}
        <AddProviderForm
          key={fresh("add-provider")}
          kinds={loaderData.kinds}
          lastResult={answer("add-provider")}
        />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
