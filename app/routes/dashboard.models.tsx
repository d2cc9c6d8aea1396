import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { listModelPrices } from "#app/usage/model-prices.server.ts";
import { modelListQuery } from "#app/usage/model-list-query.ts";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { ModelPriceTable } from "#app/components/model-price-table.tsx";
import type { Route } from "./+types/dashboard.models";

// The public Models page's list inside the dashboard, so that its nav link does not
// leave the dashboard (issue #23); the layout's banner says when nothing is served.
export async function loader({ request }: Route.LoaderArgs) {
  await requirePageScope(request);
  return listModelPrices(modelListQuery(new URL(request.url)));
}

export const meta: Route.MetaFunction = () => [{ title: "Models · LLM Gateway" }];

export default function DashboardModels({ loaderData }: Route.ComponentProps) {
  return (
    <div className="grid gap-2">
      <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
      <p className="text-sm text-muted-foreground">
        Name them by slug (or <code>company/slug</code>) in any call. Prices per 1M tokens, charged
        from each request&apos;s reported usage; 1 credit = US$0.01.
      </p>
      <ModelPriceTable prices={loaderData} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
