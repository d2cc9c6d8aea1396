import { Link } from "react-router";
import { SiteHeader } from "#app/components/site-header.tsx";
import { useSignedInUser } from "#app/utils/use-signed-in-user.ts";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Card, CardDescription, CardHeader, CardTitle } from "#app/components/ui/card.tsx";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import type { Route } from "./+types/_index";

export function loader({ request }: Route.LoaderArgs) {
  return { baseUrl: `${publicOrigin(request)}/v1` };
}

export const meta: Route.MetaFunction = () => [
  { title: "LLM Gateway: one endpoint for OpenAI, Claude and Gemini" },
  {
    name: "description",
    content:
      "A self-hosted gateway in front of OpenAI, Anthropic and Google Gemini with API keys, exact per-request billing and prepaid credits.",
  },
];

const FEATURES = [
  {
    title: "One endpoint, three providers",
    text: "Point any OpenAI SDK program at the gateway and call GPT, Claude or Gemini models by name. Streaming is real: tokens arrive as the provider sends them.",
  },
  {
    title: "Billing that is exact",
    text: "Every request is priced from the provider's reported token usage in integer micro-credits, reserved before the call and settled in one transaction.",
  },
  {
    title: "Keys, credits and a full history",
    text: "Create keys with their own credit limits, top up prepaid credits, and see every request with its tokens, cost and latency.",
  },
];

export default function Landing({ loaderData }: Route.ComponentProps) {
  const user = useSignedInUser();
  const snippet = [
    'import OpenAI from "openai";',
    "",
    `const client = new OpenAI({ baseURL: "${loaderData.baseUrl}", apiKey: process.env.GATEWAY_KEY });`,
    "const stream = await client.chat.completions.create({",
    '  model: "claude-sonnet-5-5",',
    '  messages: [{ role: "user", content: "Hello" }],',
    "  stream: true,",
    "});",
  ].join("\n");
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-5xl px-6 py-16">
        <section className="flex max-w-3xl flex-col items-start gap-6">
          <Badge variant="secondary">Self-hosted · OpenAI-compatible</Badge>
          <h1 className="text-4xl font-semibold tracking-tight sm:text-5xl">
            One API key for OpenAI, Claude and Gemini
          </h1>
          <p className="text-lg text-muted-foreground">
            LLM Gateway sits in front of the three providers with one endpoint, one set of API keys
            and one prepaid credit balance, and it shows what every request cost.
          </p>
          <div className="flex flex-wrap gap-3">
            {user ? (
              <Button asChild size="lg">
                <Link to="/dashboard">Open your dashboard</Link>
              </Button>
            ) : (
              <>
                <Button asChild size="lg">
                  <Link to="/signup">Create an account</Link>
                </Button>
                <Button asChild size="lg" variant="outline">
                  <Link to="/login">Sign in</Link>
                </Button>
              </>
            )}
            <Button asChild size="lg" variant="outline">
              <Link to="/docs">Read the docs</Link>
            </Button>
          </div>
        </section>

        <section className="mt-16 grid gap-4 sm:grid-cols-3" aria-label="Features">
          {FEATURES.map((feature) => (
            <Card key={feature.title}>
              <CardHeader>
                <CardTitle>{feature.title}</CardTitle>
                <CardDescription>{feature.text}</CardDescription>
              </CardHeader>
            </Card>
          ))}
        </section>

        <section className="mt-16" aria-labelledby="quick-start">
          <h2 id="quick-start" className="text-xl font-semibold tracking-tight">
            Use it from any OpenAI client
          </h2>
          <pre
            tabIndex={0}
            className="mt-4 overflow-x-auto rounded-lg bg-primary p-4 text-sm text-primary-foreground"
          >
            <code>{snippet}</code>
          </pre>
        </section>
      </main>
    </>
  );
}
