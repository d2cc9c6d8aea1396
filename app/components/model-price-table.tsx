import { Badge } from "#app/components/ui/badge.tsx";
import type { ModelPrices } from "#app/usage/model-prices.server.ts";

/** The models and their prices per 1M tokens, for the public Models page and the dashboard's. */
export function ModelPriceTable({ prices }: { prices: ModelPrices }) {
  return (
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
          {prices.models.map((model) => (
            <tr key={model.slug} className="border-t">
              <td className="px-3 py-2">
                <div className="font-medium">{model.name}</div>
                <code className="text-xs text-muted-foreground">{model.slug}</code>
                {!model.served && !prices.noProvider && <NotServedMarker />}
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
