import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { ProviderKeysTable } from "#app/components/provider-keys/provider-keys-table.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import type { Route } from "./+types/dashboard.provider-keys";
import { loadProviderKeysPage, providerKeysPageAction } from "./dashboard.provider-keys.server.ts";

// Bring your own key (ADR 027): the user's own key per provider, used first for
// their requests, which then cost only the BYOK fee. The loader and action are
// in dashboard.provider-keys.server.ts.

export async function loader({ request }: Route.LoaderArgs) {
  return loadProviderKeysPage(request);
}

export async function action({ request }: Route.ActionArgs) {
  return providerKeysPageAction(request);
}

export const meta: Route.MetaFunction = () => [{ title: "Provider keys · LLM Gateway" }];

export default function ProviderKeys({ loaderData, actionData }: Route.ComponentProps) {
  const { feePercent, providers } = loaderData;
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Your provider keys</h1>
      <Card>
        <CardHeader>
          <CardTitle>Bring your own key</CardTitle>
          <CardDescription>
            Your requests to a provider you give a key for use it first, and the provider bills you
            directly: the gateway charges{" "}
            {feePercent === 0 ? "nothing" : `a fee of ${feePercent}% of its price`} for them. Keys
            are stored encrypted and never shown again. With “fall back”, the gateway’s own keys
            take over when yours fails (429, outage), at the gateway’s price.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {providers.length === 0 ? (
            <p className="text-muted-foreground">No provider is enabled on this gateway.</p>
          ) : (
            <ProviderKeysTable
              providers={providers}
              answer={actionData && "provider" in actionData ? actionData : undefined}
            />
          )}
        </CardContent>
      </Card>
    </div>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
