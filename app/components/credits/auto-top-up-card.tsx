import type { SubmissionResult } from "@conform-to/react";
import { Form } from "react-router";
import { AutoTopUpForm } from "#app/components/credits/credit-forms.tsx";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";

/** The account's auto top-up as the Credits page shows it (null: never set up). */
export interface AutoTopUp {
  enabled: boolean;
  thresholdCredits: string;
  amountUsd: string;
  card: boolean;
  failure: { at: string; reason: string } | null;
}

/** Auto top-up: its settings, the saved card, and the last failure if any. */
export function AutoTopUpCard({
  auto,
  cardSaved,
  message,
  lastResult,
}: {
  auto: AutoTopUp | null;
  /** Back from saving a card with Stripe. */
  cardSaved: boolean;
  /** What saving the settings said. */
  message: string | undefined;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Auto top-up</CardTitle>
        <CardDescription>
          When your balance falls under the threshold, your saved card is charged for the amount.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {auto?.failure ? (
          <p
            role="alert"
            data-testid="auto-topup-failure"
            className="rounded-md border border-destructive px-3 py-2 text-sm text-destructive"
          >
            The last auto top-up failed ({new Date(auto.failure.at).toLocaleString("en")}):{" "}
            {auto.failure.reason} It will try again in an hour, or save another card.
          </p>
        ) : null}
        {message ? (
          <p role="status" className="text-sm">
            {message}
          </p>
        ) : cardSaved ? (
          <p role="status" className="text-sm">
            Card saved for auto top-up.
          </p>
        ) : null}
        <AutoTopUpForm auto={auto} lastResult={lastResult} />
        <Form method="post" className="flex items-center gap-3 text-sm">
          <input type="hidden" name="intent" value="card" />
          <span className="text-muted-foreground">
            {auto?.card ? "A card is saved." : "No card saved yet."}
          </span>
          <Button type="submit" variant="outline" size="sm">
            {auto?.card ? "Replace the card" : "Save a card"}
          </Button>
        </Form>
      </CardContent>
    </Card>
  );
}
