import { Link } from "react-router";
import { SiteHeader } from "#app/components/site-header.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { FactList } from "#app/components/fact-list.tsx";
import { ModelStatsTable } from "#app/components/model-stats-table.tsx";
import { ModelProvidersTable } from "#app/components/model-providers-table.tsx";
import { CAPABILITIES, CAPABILITY_LABELS } from "#app/catalog/model-capabilities.ts";
import { playgroundPath } from "#app/catalog/model-links.ts";
import { missingV1 } from "#app/gateway/endpoints/unserved-api-paths.ts";
import { wantsJsonOnly } from "#app/http/wants-json.ts";
import { modelPage } from "#app/usage/model-page.server.ts";
import type { Route } from "./+types/models.$id";

// A model's page (ADR 071); /models/<author>/<slug> (models.$author.$slug.tsx) is
// the same page. An OpenAI SDK whose base URL lacks /v1 retrieves a model here
// (GET /models/<id>): asking for JSON, it gets the JSON 404 that says to add /v1.
export const middleware: Route.MiddlewareFunction[] = [
  ({ request }, next) => (wantsJsonOnly(request) ? missingV1(request) : next()),
];

export function loader({ params }: Route.LoaderArgs) {
  return modelPage(params.id);
}

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: `${loaderData?.name ?? "Model"} · LLM Gateway` },
];

export default function ModelPageRoute({ loaderData: model }: Route.ComponentProps) {
  return (
    <>
      <SiteHeader />
      <main className="mx-auto grid max-w-5xl gap-8 px-6 py-12">
        <div className="grid gap-3">
          <Link to="/models" className="text-sm text-muted-foreground underline">
            All models
          </Link>
          <h1 className="text-3xl font-semibold tracking-tight break-words">{model.name}</h1>
          {!model.served && (
            <p className="text-sm font-medium text-destructive">
              Not served yet: none of its providers has a key
            </p>
          )}
          <div>
            <Button asChild size="sm">
              <Link to={playgroundPath(model.slug)}>Try in playground</Link>
            </Button>
          </div>
        </div>
        <section aria-labelledby="facts" className="grid gap-3">
          <h2 id="facts" className="text-xl font-semibold tracking-tight">
            Facts
          </h2>
          <FactList
            facts={[
              ["Slug", model.slug],
              ["OpenRouter id", model.openRouterId],
              ["Made by", model.madeBy],
              ["Context", `${model.contextLength.toLocaleString("en")} tokens`],
              ["Max output", `${model.maxOutputTokens.toLocaleString("en")} tokens`],
            ]}
          />
          <ul aria-label="Capabilities" className="flex flex-wrap gap-2">
            {CAPABILITIES.map((capability) => (
              <li key={capability}>
                <Badge variant={model.capabilities[capability] ? "default" : "outline"}>
                  {CAPABILITY_LABELS[capability]}: {model.capabilities[capability] ? "yes" : "no"}
                </Badge>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="providers" className="grid gap-3">
          <h2 id="providers" className="text-xl font-semibold tracking-tight">
            Providers and prices
          </h2>
          <p className="text-sm text-muted-foreground">
            US dollars per 1M tokens, as charged; tried in this order. 1 credit = US$0.01.
          </p>
          <ModelProvidersTable providers={model.providers} />
        </section>
        <section aria-labelledby="measured" className="grid gap-3">
          <h2 id="measured" className="text-xl font-semibold tracking-tight">
            Measured by this gateway
          </h2>
          <p className="text-sm text-muted-foreground">
            From its own usage log. Medians are of successful requests; an error is a request the
            provider failed (a client that hung up is not one).
          </p>
          <div className="grid gap-6">
            {model.stats.map((window) => (
              <ModelStatsTable key={window.days} days={window.days} rows={window.providers} />
            ))}
          </div>
        </section>
      </main>
    </>
  );
}
