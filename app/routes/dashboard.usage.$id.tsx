import { Link } from "react-router";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { FactList } from "#app/components/fact-list.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { CostCard } from "#app/components/usage/cost-card.tsx";
import { requestDetail } from "#app/usage/request-detail.server.ts";
import type { Route } from "./+types/dashboard.usage.$id";

// One request of the usage log (its data: usage/request-detail.server.ts).

export async function loader({ request, params }: Route.LoaderArgs) {
  return requestDetail(await requirePageScope(request), params.id);
}

export const meta: Route.MetaFunction = () => [{ title: "Request · LLM Gateway" }];

export default function RequestDetail({ loaderData: request }: Route.ComponentProps) {
  const facts: [string, string][] = [
    ["Time", new Date(request.at).toLocaleString("en")],
    ["Request id", request.requestId],
    ["Model", request.model],
    [
      "Provider",
      `${request.provider} (${request.upstreamModel})${request.byok ? ", your own key" : ""}`,
    ],
    ["Endpoint", `${request.endpoint}${request.stream ? ", streamed" : ""}`],
    ["API key", request.key],
    [
      "Status",
      `${request.status}${request.finishReason ? `, ${request.finishReason}` : ""}${request.errorCode ? ` (${request.errorCode})` : ""}`,
    ],
    [
      "Failed attempts first",
      request.fallbacks.length === 0
        ? "none"
        : request.fallbacks.map((failed) => `${failed.provider} (${failed.code})`).join(" → "),
    ],
    ["Latency", `${request.latencyMs} ms`],
    ["First token", request.ttftMs === null ? "–" : `${request.ttftMs} ms`],
  ];
  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Request</h1>
        <Link to="/dashboard/usage" className="text-sm font-medium underline underline-offset-4">
          ← Usage
        </Link>
      </div>
      <Card>
        <CardContent className="pt-6">
          <FactList facts={facts} mono />
        </CardContent>
      </Card>
      <CostCard request={request} />
      {request.content ? (
        <Card>
          <CardHeader>
            <CardTitle>Prompt and answer</CardTitle>
            <CardDescription>Kept because content logging is on for this key.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-3">
            <pre tabIndex={0} className="max-h-96 overflow-auto rounded-lg bg-muted p-3 text-xs">
              {request.content.prompt}
            </pre>
            <pre
              tabIndex={0}
              className="max-h-96 overflow-auto rounded-lg bg-muted p-3 text-xs whitespace-pre-wrap"
            >
              {request.content.response}
            </pre>
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}

// A missing request or a failed loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
