import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";

type Money = { credits: string; usd: string };

/** Balance, spend and requests over the period, as three cards. */
export function OverviewTotals({
  balance,
  spent,
  requests,
  days,
}: {
  balance: Money;
  spent: Money;
  requests: number;
  days: number;
}) {
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <Card>
        <CardHeader>
          <CardDescription>Balance</CardDescription>
          <CardTitle className="text-3xl">{balance.credits}</CardTitle>
        </CardHeader>
        <CardContent className="text-sm text-muted-foreground">({balance.usd})</CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardDescription>Spent, last {days} days</CardDescription>
          <CardTitle className="text-3xl">{spent.credits}</CardTitle>
        </CardHeader>
        <CardContent className="text-sm text-muted-foreground">({spent.usd})</CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardDescription>Requests, last {days} days</CardDescription>
          <CardTitle className="text-3xl">{requests}</CardTitle>
        </CardHeader>
      </Card>
    </div>
  );
}
