import type { RequestDetail } from "#app/usage/request-detail.server.ts";
import { Badge } from "#app/components/ui/badge.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { CostArithmeticTable } from "./cost-arithmetic-table.tsx";

/** How a request's charge came about: where its token counts came from, and the arithmetic. */
export function CostCard({ request }: { request: RequestDetail }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Cost</CardTitle>
        <CardDescription>
          Tokens × the price per 1M tokens charged when it settled, each kind rounded up to a whole
          µcr.{" "}
          {request.usageSource === "REPORTED"
            ? "Token counts as the provider reported them."
            : request.usageSource === "ESTIMATED"
              ? "The provider reported no usage: tokens counted by the gateway."
              : request.usageSource === "CACHE"
                ? "Answered from the response cache without a provider call: the tokens of the kept answer, charged the cache price."
                : "The provider reported more than the request held: charged what was held."}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <CostArithmeticTable request={request} />
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
  );
}
