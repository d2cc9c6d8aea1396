import { Link } from "react-router";
import { FactList } from "#app/components/fact-list.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";

// The cards of one key's page (dashboard.keys.$id.tsx).

/** One of a key's limits, with what is left of it (null: nothing to count down). */
export interface KeyLimit {
  name: string;
  value: string;
  left: string | null;
}

/** Each limit of a key and what is left of it, with a link to the form below. */
export function KeyLimitsCard({ limits }: { limits: KeyLimit[] }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Limits</CardTitle>
        <CardDescription>
          <a href="#rules" className="underline underline-offset-4">
            Change them
          </a>{" "}
          below.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-2 text-sm" aria-label="Limits">
          {limits.map((limit) => (
            <div key={limit.name} className="grid grid-cols-2 gap-2">
              <dt className="text-muted-foreground">{limit.name}</dt>
              <dd>
                {limit.value}
                {limit.left ? (
                  <div className="text-xs text-muted-foreground">{limit.left}</div>
                ) : null}
              </dd>
            </div>
          ))}
        </dl>
      </CardContent>
    </Card>
  );
}

/** What the key spent and held, when it was used and made, and a link to its requests. */
export function KeyUseCard({ keyId, facts }: { keyId: string; facts: [string, string][] }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Use</CardTitle>
        <CardDescription>
          <Link to={`/dashboard/usage?key=${keyId}`} className="underline">
            Its requests in the usage log
          </Link>
        </CardDescription>
      </CardHeader>
      <CardContent>
        <FactList facts={facts} />
      </CardContent>
    </Card>
  );
}

/** One number of the key's last days, large. */
export function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card>
      <CardHeader>
        <CardDescription>{label}</CardDescription>
        <CardTitle className="text-3xl">{value}</CardTitle>
      </CardHeader>
    </Card>
  );
}
