import { Link } from "react-router";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { KeyLimitsCard, KeyUseCard, Stat } from "#app/components/keys/key-detail-cards.tsx";
import { KeyRulesForm } from "#app/components/keys/key-rules-form.tsx";
import { GuardrailsForm } from "#app/components/guardrails/guardrails-form.tsx";
import { SpendChart } from "#app/components/spend-chart.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { UsageAsOf } from "#app/components/usage/usage-as-of.tsx";
import type { Route } from "./+types/dashboard.keys.$id";
import { keyPageAction, loadKeyPage } from "./dashboard.keys.$id.server.ts";

// One key: what it spent per day, how many requests and how many failed, each
// limit with what is left of it and the form that changes them, and when it was
// last used. The loader and action are in dashboard.keys.$id.server.ts.

export async function loader({ request, params }: Route.LoaderArgs) {
  return loadKeyPage(request, params);
}

export async function action({ request, params }: Route.ActionArgs) {
  return keyPageAction(request, params);
}

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: `${loaderData?.key.name ?? "Key"} · API keys · LLM Gateway` },
];

export default function KeyDetail({ loaderData, actionData }: Route.ComponentProps) {
  const { key, limits, days } = loaderData;
  const facts: [string, string][] = [
    ["Spent in all", key.spent],
    ["Held for requests running", key.reserved],
    ["Last used", key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString("en") : "never"],
    ["Created", `${new Date(key.createdAt).toLocaleString("en")} by ${key.createdBy}`],
  ];
  return (
    <div className="grid gap-6">
      <div className="grid gap-1">
        <Link to="/dashboard/keys" className="text-sm text-muted-foreground underline">
          ← API keys
        </Link>
        <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight">
          {key.name}{" "}
          <span className="font-mono text-base text-muted-foreground">{key.prefix}…</span>
          {key.enabled ? null : <Badge variant="outline">disabled</Badge>}
        </h1>
      </div>
      <UsageAsOf asOf={loaderData.usageAsOf} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat label={`Requests, last ${days} days`} value={String(loaderData.requests)} />
        <Stat
          label="Error rate"
          value={
            loaderData.errorRate === null
              ? "–"
              : `${loaderData.errorRate.toFixed(1)} % (${loaderData.errors})`
          }
        />
        <Stat
          label="Average latency"
          value={loaderData.avgLatencyMs === null ? "–" : `${loaderData.avgLatencyMs} ms`}
        />
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Spend per day</CardTitle>
          <CardDescription>
            {loaderData.spentInPeriod} in the last {days} days (UTC)
          </CardDescription>
        </CardHeader>
        <CardContent>
          <SpendChart
            data={loaderData.chart}
            series={["Spent"]}
            label={`Credits spent per day by ${key.name}, last ${days} days`}
          />
        </CardContent>
      </Card>
      <div className="grid gap-4 md:grid-cols-2">
        <KeyLimitsCard limits={limits} />
        <KeyUseCard keyId={key.id} facts={facts} />
      </div>
      <Card id="rules" className="scroll-mt-6">
        <CardHeader>
          <CardTitle>Change limits</CardTitle>
          <CardDescription>
            An empty field means no limit. They apply from the next request.
            {loaderData.mayLoosen
              ? null
              : " You may make them stricter; only owners and admins loosen them."}
          </CardDescription>
        </CardHeader>
        <CardContent>
          {/* Saved values start a fresh form; a refused one keeps what was typed. */}
          <KeyRulesForm
            key={JSON.stringify(loaderData.ruleValues)}
            keyName={key.name}
            defaultValue={loaderData.ruleValues}
            lastResult={actionData && "result" in actionData ? actionData.result : undefined}
          />
        </CardContent>
      </Card>
      <Card id="guardrails" className="scroll-mt-6">
        <CardHeader>
          <CardTitle>Guardrails</CardTitle>
          <CardDescription>
            Now: {loaderData.guardrails}. Checked before a request is held or sent: providers and
            prices narrow where it may go, max tokens caps it, content rules block it or replace
            what matches before any provider sees it.
            {loaderData.mayLoosen
              ? null
              : " Only owners and admins change a team key's guardrails."}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <GuardrailsForm
            key={JSON.stringify(loaderData.guardrailValues)}
            label={`Guardrails of ${key.name}`}
            defaultValue={loaderData.guardrailValues}
            lastResult={
              actionData && "guardrailsResult" in actionData
                ? actionData.guardrailsResult
                : undefined
            }
            disabled={!loaderData.mayLoosen}
          />
        </CardContent>
      </Card>
    </div>
  );
}

// A failed loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
