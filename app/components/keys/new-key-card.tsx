import { Link } from "react-router";
import { CopyButton } from "#app/components/copy-button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";

/** The key just made, shown this once, with where to point SDKs at it. */
export function NewKeyCard({
  name,
  secret,
  baseUrl,
}: {
  name: string;
  secret: string;
  baseUrl: string;
}) {
  return (
    <Card className="border-primary">
      <CardHeader>
        <CardTitle>Your new key “{name}”</CardTitle>
        <CardDescription>Copy it now: it is shown this once and never again.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-wrap items-center gap-3">
        <code
          data-testid="new-secret"
          className="rounded-md bg-secondary px-3 py-2 font-mono text-sm break-all"
        >
          {secret}
        </code>
        <CopyButton text={secret} />
        <p className="w-full text-sm text-muted-foreground">
          Use it as the API key of any OpenAI SDK with the base URL{" "}
          <code data-testid="base-url" className="break-all text-foreground">
            {baseUrl}
          </code>{" "}
          (Anthropic SDKs: the same without <code>/v1</code>). The{" "}
          <Link to="/dashboard" className="underline underline-offset-4">
            overview
          </Link>{" "}
          has programs to paste that stream an answer with it.
        </p>
      </CardContent>
    </Card>
  );
}
