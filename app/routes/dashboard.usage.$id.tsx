import { data, Link } from "react-router";
import { z } from "zod";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { can } from "#app/accounts/account-scope.server.ts";
import { FactList } from "#app/components/fact-list.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { costOfTokens, formatMoney, formatPrice } from "#app/utils/money.ts";
import type { Route } from "./+types/dashboard.usage.$id";

// One request of the usage log: its tokens by kind, the prices it was charged
// at (a snapshot taken when it settled) and the arithmetic from one to the
// other, its timing, and its prompt and answer when content logging kept them.

const BIGINT_MAX = 2n ** 63n - 1n;

export async function loader({ request, params }: Route.LoaderArgs) {
  const scope = await requirePageScope(request);
  // Ids are PostgreSQL bigints: a larger number names no request (and would fail the query).
  const id = z.coerce.bigint().positive().max(BIGINT_MAX).safeParse(params.id);
  // Another account's request is as absent as one that never was.
  const row = id.success
    ? await getAccounts().prisma.conversation.findFirst({
        where: { id: id.data, userId: scope.accountId },
        include: { apiKey: { select: { name: true, prefix: true, createdById: true } } },
      })
    : null;
  if (!row) throw data("No such request in your usage", { status: 404 });
  const lines = [
    ["Input", row.inputTokens, row.inputPrice],
    ["Cached input", row.cachedInputTokens, row.cachedInputPrice],
    ["Cache writes", row.cacheWriteTokens, row.cacheWritePrice ?? row.inputPrice],
    ["Output", row.outputTokens, row.outputPrice],
  ] as const;
  const arithmetic = lines.map(([kind, tokens, price]) => ({
    kind,
    tokens,
    // US dollars per 1M tokens, as the snapshot holds them.
    price: formatPrice(price),
    cost: costOfTokens(tokens, price),
  }));
  const computed = arithmetic.reduce((sum, line) => sum + line.cost, 0n);
  return {
    requestId: row.requestId,
    at: row.createdAt.toISOString(),
    model: row.modelSlug,
    provider: row.providerSlug,
    upstreamModel: row.upstreamModel,
    endpoint: row.endpoint,
    key: `${row.apiKey.name} (${row.apiKey.prefix}…)`,
    stream: row.stream,
    byok: row.byok,
    status: row.status.toLowerCase(),
    finishReason: row.finishReason,
    errorCode: row.errorCode,
    usageSource: row.usageSource,
    reasoningTokens: row.reasoningTokens,
    // Provider calls that failed before the one that served, in order (retries and fallbacks).
    fallbacks: Array.isArray(row.fallbacks)
      ? (row.fallbacks as { provider: string; code: string }[])
      : [],
    latencyMs: row.latencyMs,
    ttftMs: row.timeToFirstTokenMs,
    arithmetic: arithmetic.map((line) => ({
      ...line,
      cost: formatMoney(line.cost, { precision: "request" }),
    })),
    computed: formatMoney(computed, { precision: "request" }),
    charged: formatMoney(row.cost, { precision: "request" }),
    // Charged less than its tokens cost: the provider reported more than the request held.
    capped: row.cost < computed,
    // In a team, prompts are for the key's maker and those who manage every key.
    content:
      (row.prompt === null && row.response === null) ||
      !(can(scope, "allKeys") || row.apiKey.createdById === scope.userId)
        ? null
        : { prompt: JSON.stringify(row.prompt, null, 2), response: row.response ?? "" },
  };
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
      <Card>
        <CardHeader>
          <CardTitle>Cost</CardTitle>
          <CardDescription>
            Tokens × the price per 1M tokens charged when it settled, each kind rounded up to a
            whole µcr.{" "}
            {request.usageSource === "REPORTED"
              ? "Token counts as the provider reported them."
              : request.usageSource === "ESTIMATED"
                ? "The provider reported no usage: tokens counted by the gateway."
                : "The provider reported more than the request held: charged what was held."}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <div tabIndex={0} className="overflow-x-auto">
            <table className="w-full text-sm" aria-label="Cost arithmetic">
              <thead className="text-left">
                <tr>
                  <th className="py-2 pr-3 font-medium">Tokens</th>
                  <th className="py-2 pr-3 text-right font-medium">Count</th>
                  <th className="py-2 pr-3 text-right font-medium">Price per 1M</th>
                  <th className="py-2 text-right font-medium">Cost</th>
                </tr>
              </thead>
              <tbody>
                {request.arithmetic.map((line) => (
                  <tr key={line.kind} className="border-t">
                    <td className="py-2 pr-3">{line.kind}</td>
                    <td className="py-2 pr-3 text-right">{line.tokens}</td>
                    <td className="py-2 pr-3 text-right">{line.price}</td>
                    <td className="py-2 text-right">{line.cost}</td>
                  </tr>
                ))}
                <tr className="border-t font-medium">
                  <td className="py-2 pr-3" colSpan={3}>
                    Charged
                    {request.capped ? ` (capped; the tokens come to ${request.computed})` : ""}
                  </td>
                  <td className="py-2 text-right" data-testid="charged">
                    {request.charged}
                  </td>
                </tr>
              </tbody>
            </table>
          </div>
          {request.reasoningTokens > 0 || request.byok ? (
            <p className="mt-2 text-sm text-muted-foreground">
              {request.reasoningTokens > 0
                ? `${request.reasoningTokens} of the output tokens were reasoning`
                : ""}
              {request.byok ? (
                <>
                  {request.reasoningTokens > 0 ? " · " : ""}
                  <Badge variant="outline">BYOK</Badge> prices are the fee on your own key
                </>
              ) : null}
            </p>
          ) : null}
        </CardContent>
      </Card>
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
