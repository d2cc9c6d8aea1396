import { Form } from "react-router";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { Label } from "#app/components/ui/label.tsx";
import type { Route } from "./+types/dashboard.admin.prices";
import { loadPricesPage, pricesPageAction } from "./dashboard.admin.prices.server.ts";

// Prices that keep up (ADR 069): a public catalog's differences with the routes,
// applied only when an admin ticks them here (or, with PRICE_SYNC_URL, small
// changes by the schedule). The loader and action are in the .server file.

export async function loader({ request }: Route.LoaderArgs) {
  return loadPricesPage(request);
}

export async function action({ request }: Route.ActionArgs) {
  return pricesPageAction(request);
}

export const meta: Route.MetaFunction = () => [{ title: "Admin: price sync · LLM Gateway" }];

const usd = (price: string | null) => (price === null ? "–" : `$${price}`);

export default function Prices({ loaderData, actionData }: Route.ComponentProps) {
  const { run } = loaderData;
  const open = run && !run.appliedAt;
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Price sync</h1>
      <Card>
        <CardHeader>
          <CardTitle>Check a catalog</CardTitle>
          <CardDescription>
            OpenRouter’s <code>/api/v1/models</code> or models.dev’s <code>api.json</code>. Each
            model’s price is compared with its own provider’s route; nothing changes until you apply
            it below.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <Form method="post" className="flex flex-wrap items-end gap-3" aria-label="Check prices">
            <input type="hidden" name="intent" value="check" />
            <div className="grid min-w-64 flex-1 gap-1.5">
              <Label htmlFor="catalog-url">Catalog URL</Label>
              <Input
                id="catalog-url"
                name="url"
                type="url"
                defaultValue={loaderData.defaultUrl}
                required
              />
            </div>
            <Button type="submit">Check now</Button>
          </Form>
          {actionData && "problem" in actionData ? (
            <p role="alert" className="mt-2 text-sm text-destructive">
              {actionData.problem}
            </p>
          ) : null}
        </CardContent>
      </Card>
      {run ? (
        <Card>
          <CardHeader>
            <CardTitle>Differences</CardTitle>
            <CardDescription>
              {run.sourceUrl}, read {new Date(run.fetchedAt).toLocaleString("en")}.{" "}
              {run.autoApplied > 0
                ? `${run.autoApplied} small price changes were applied by the schedule. `
                : ""}
              {run.appliedAt ? `Applied ${new Date(run.appliedAt).toLocaleString("en")}.` : ""}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <Form method="post" aria-label="Apply prices" className="grid gap-4">
              <input type="hidden" name="intent" value="apply" />
              <input type="hidden" name="run" value={run.id} />
              <div tabIndex={0} className="overflow-x-auto">
                <table className="w-full text-sm" aria-label="Price changes">
                  <thead className="text-left">
                    <tr>
                      <th className="py-1 pr-3 font-medium">Apply</th>
                      <th className="py-1 pr-3 font-medium">Model</th>
                      <th className="py-1 pr-3 font-medium">Input per 1M</th>
                      <th className="py-1 pr-3 font-medium">Output per 1M</th>
                      <th className="py-1 text-right font-medium">Change</th>
                    </tr>
                  </thead>
                  <tbody>
                    {run.diff.changed.map((change) => (
                      <tr key={change.mappingId} className="border-t">
                        <TickCell
                          name="changed"
                          value={change.mappingId}
                          label={`Apply the new prices of ${change.model}`}
                          open={!!open}
                        />
                        <td className="py-1 pr-3">
                          {change.model}{" "}
                          <span className="text-muted-foreground">({change.provider})</span>
                        </td>
                        <td className="py-1 pr-3">
                          {usd(change.before.input)} → {usd(change.after.input)}
                        </td>
                        <td className="py-1 pr-3">
                          {usd(change.before.output)} → {usd(change.after.output)}
                        </td>
                        <td className="py-1 text-right">{change.changePercent} %</td>
                      </tr>
                    ))}
                    {run.diff.added.map((model) => (
                      <tr key={model.openRouterId} className="border-t">
                        <TickCell
                          name="added"
                          value={model.openRouterId}
                          label={`Add ${model.openRouterId}`}
                          open={!!open}
                        />
                        <td className="py-1 pr-3">{model.openRouterId} (new)</td>
                        <td className="py-1 pr-3">{usd(model.prices.input)}</td>
                        <td className="py-1 pr-3">{usd(model.prices.output)}</td>
                        <td className="py-1 text-right">new</td>
                      </tr>
                    ))}
                    {run.diff.removed.map((route) => (
                      <tr key={route.mappingId} className="border-t">
                        <TickCell
                          name="removed"
                          value={route.mappingId}
                          label={`Switch off ${route.model} on ${route.provider}`}
                          open={!!open}
                        />
                        <td className="py-1 pr-3">
                          {route.model}{" "}
                          <span className="text-muted-foreground">({route.provider})</span>
                        </td>
                        <td className="py-1 pr-3" colSpan={2}>
                          no longer in the catalog: switch its route off
                        </td>
                        <td className="py-1 text-right">gone</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {open ? (
                <div>
                  <Button type="submit">Apply the ticked lines</Button>
                </div>
              ) : null}
            </Form>
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}

/** A line's box: ticked, it is applied with the form. */
function TickCell(props: { name: string; value: string | number; label: string; open: boolean }) {
  return (
    <td className="py-1 pr-3">
      <input
        type="checkbox"
        name={props.name}
        value={props.value}
        disabled={!props.open}
        aria-label={props.label}
      />
    </td>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
