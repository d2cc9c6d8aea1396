import { getAccounts } from "#app/accounts/accounts.server.ts";
import { SiteHeader } from "#app/components/site-header.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { NoProviderBanner } from "#app/components/no-provider-banner.tsx";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { configuredProviders } from "#app/gateway/served-models.server.ts";
import { missingV1 } from "#app/gateway/unserved-api-paths.ts";
import { wantsJsonOnly } from "#app/http/wants-json.ts";
import { formatPrice } from "#app/utils/money.ts";
import type { Route } from "./+types/models";

// GET /models is also where an OpenAI SDK whose base URL lacks /v1 lists models: a client
// that asks for JSON, not HTML, gets the JSON 404 that says to add /v1.
export const middleware: Route.MiddlewareFunction[] = [
  ({ request }, next) => (wantsJsonOnly(request) ? missingV1(request) : next()),
];

export async function loader() {
  // Which providers have a key now: the models of the others are marked, not hidden (ADR 042).
  const configured = await configuredProviders(await getGateway());
  const models = await getAccounts().prisma.model.findMany({
    orderBy: [{ company: { name: "asc" } }, { slug: "asc" }],
    include: {
      company: { select: { name: true } },
      mappings: {
        where: { enabled: true },
        orderBy: { priority: "asc" },
        include: { provider: { select: { name: true, slug: true } } },
      },
    },
  });
  return {
    noProvider: configured.size === 0,
    models: models
      .filter((model) => model.mappings.length > 0)
      .map((model) => {
        const primary = model.mappings[0]!;
        return {
          slug: model.slug,
          name: model.name,
          company: model.company.name,
          contextLength: model.contextLength,
          maxOutputTokens: model.maxOutputTokens,
          providers: model.mappings.map((mapping) => mapping.provider.name),
          served: model.mappings.some((mapping) => configured.has(mapping.provider.slug)),
          input: formatPrice(primary.inputPrice),
          cachedInput: formatPrice(primary.cachedInputPrice),
          output: formatPrice(primary.outputPrice),
        };
      }),
  };
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
        <div tabIndex={0} className="mt-6 overflow-x-auto rounded-lg border">
          <table className="max-md:table-cards w-full text-sm" aria-label="Models">
            <thead className="bg-muted text-left">
              <tr>
                {[
                  "Model",
                  "Made by",
                  "Context",
                  "Max output",
                  "Input",
                  "Cached input",
                  "Output",
                  "Served by",
                ].map((heading) => (
                  <th key={heading} className="px-3 py-2 font-medium whitespace-nowrap">
                    {heading}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {loaderData.models.map((model) => (
                <tr key={model.slug} className="border-t">
                  <td className="px-3 py-2">
                    <div className="font-medium">{model.name}</div>
                    <code className="text-xs text-muted-foreground">{model.slug}</code>
                    {!model.served && !loaderData.noProvider && <NotServedMarker />}
                  </td>
                  <td data-label="Made by" className="px-3 py-2">
                    {model.company}
                  </td>
                  <td data-label="Context" className="px-3 py-2 text-right">
                    {model.contextLength.toLocaleString("en")}
                  </td>
                  <td data-label="Max output" className="px-3 py-2 text-right">
                    {model.maxOutputTokens.toLocaleString("en")}
                  </td>
                  <td data-label="Input" className="px-3 py-2 text-right">
                    {model.input}
                  </td>
                  <td data-label="Cached input" className="px-3 py-2 text-right">
                    {model.cachedInput}
                  </td>
                  <td data-label="Output" className="px-3 py-2 text-right">
                    {model.output}
                  </td>
                  <td data-label="Served by" className="px-3 py-2">
                    {model.providers.map((provider) => (
                      <Badge key={provider} variant="outline" className="mr-1">
                        {provider}
                      </Badge>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </main>
    </>
  );
}

/** A model no provider with a key serves while others are (with none at all, the banner says it once). */
function NotServedMarker() {
  return (
    <div className="text-xs font-medium text-destructive">
      Not served yet: its provider has no key
    </div>
  );
}
