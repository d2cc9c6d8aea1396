import { SiteHeader } from "#app/components/site-header.tsx";
import { NoProviderBanner } from "#app/components/no-provider-banner.tsx";
import { ModelPriceTable } from "#app/components/model-price-table.tsx";
import { listModelPrices } from "#app/usage/model-prices.server.ts";
import { modelListQuery } from "#app/usage/model-list-query.ts";
import { missingV1 } from "#app/gateway/endpoints/unserved-api-paths.ts";
import { wantsJsonOnly } from "#app/http/wants-json.ts";
import type { Route } from "./+types/models";

// GET /models is also where an OpenAI SDK whose base URL lacks /v1 lists models: a client
// that asks for JSON, not HTML, gets the JSON 404 that says to add /v1.
export const middleware: Route.MiddlewareFunction[] = [
  ({ request }, next) => (wantsJsonOnly(request) ? missingV1(request) : next()),
];

export function loader({ request }: Route.LoaderArgs) {
  return listModelPrices(modelListQuery(new URL(request.url)));
}

export const meta: Route.MetaFunction = () => [{ title: "Models and prices · LLM Gateway" }];

export default function Models({ loaderData }: Route.ComponentProps) {
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-5xl px-6 py-12">
        <h1 className="text-3xl font-semibold tracking-tight">Models and prices</h1>
        <p className="mt-2 text-muted-foreground">
          Prices per 1M tokens, charged from each request&apos;s reported usage. 1 credit = US$0.01.
        </p>
        {loaderData.noProvider && <NoProviderBanner admin={false} className="mt-6" />}
        <ModelPriceTable prices={loaderData} />
      </main>
    </>
  );
}
