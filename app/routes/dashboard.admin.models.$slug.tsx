import { Link } from "react-router";
import { ModelForm } from "#app/components/admin/model-form.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { modelPage, saveModelAction } from "./dashboard.admin.models.$slug.server.ts";
import type { Route } from "./+types/dashboard.admin.models.$slug";

// One model's edit form (the Admin page's table links here): its limits and
// the prices of each provider route, saved together; a bad value answers
// beside its field with what was typed kept (ADR 046, ADR 050). The loader's
// and action's logic: dashboard.admin.models.$slug.server.ts.

export async function loader({ request, params }: Route.LoaderArgs) {
  return modelPage(request, params.slug);
}

export async function action({ request, params }: Route.ActionArgs) {
  return saveModelAction(request, params.slug);
}

export const meta: Route.MetaFunction = ({ params }) => [
  { title: `Admin: ${params.slug} · LLM Gateway` },
];

export default function EditModel({ loaderData, actionData }: Route.ComponentProps) {
  const { model } = loaderData;
  return (
    <div className="grid max-w-3xl gap-6">
      <div className="grid gap-1">
        <Link to="/dashboard/admin" className="text-sm text-muted-foreground underline">
          Back to models
        </Link>
        <h1 className="text-2xl font-semibold tracking-tight break-words">{model.slug}</h1>
        <p className="text-sm text-muted-foreground">
          {model.name}. Prices in US dollars per 1M tokens, up to 8 decimals. Changes apply to new
          requests on every instance at once.
        </p>
      </div>
      {actionData?.message ? (
        <p role="status" className="rounded-md border px-3 py-2 text-sm">
          {actionData.message}
        </p>
      ) : null}
      <ModelForm
        // A fresh form once what is stored changed: its defaults are the stored values.
        key={JSON.stringify(loaderData)}
        model={model}
        routes={loaderData.routes}
        lastResult={actionData?.result}
      />
    </div>
  );
}

// A failed action or loader (no such model, not an admin) shows inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
