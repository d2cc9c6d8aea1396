import { SiteHeader } from "#app/components/site-header.tsx";
import { publicOrigin } from "#app/utils/request-origin.server.ts";
import type { Route } from "./+types/docs";

export function loader({ request }: Route.LoaderArgs) {
  return { origin: publicOrigin(request) };
}

export const meta: Route.MetaFunction = () => [{ title: "Docs · LLM Gateway" }];

function Code({ children }: { children: string }) {
  return (
    <pre
      tabIndex={0}
      className="mt-3 overflow-x-auto rounded-lg bg-primary p-4 text-sm text-primary-foreground"
    >
      <code>{children}</code>
    </pre>
  );
}

export default function Docs({ loaderData }: Route.ComponentProps) {
  const { origin } = loaderData;
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-3xl px-6 py-12 [&_h2]:mt-10 [&_h2]:text-xl [&_h2]:font-semibold [&_p]:mt-3 [&_p]:text-muted-foreground">
        <h1 className="text-3xl font-semibold tracking-tight">Using the gateway</h1>
        <p>
          The gateway speaks OpenAI&apos;s Chat Completions API. Any program written for the{" "}
          <code>openai</code> SDK works once you change its base URL and key.
        </p>

        <h2>OpenAI-compatible endpoint</h2>
        <Code>{`curl ${origin}/v1/chat/completions \\
  -H "Authorization: Bearer $GATEWAY_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "gpt-6.2-sol", "messages": [{"role": "user", "content": "Hello"}], "stream": true}'`}</Code>

        <h2>Simple streaming endpoint</h2>
        <p>
          <code>POST /completions</code> takes <code>{"{ model, messages, apiKey }"}</code> and
          streams <code>{'data: {"content": "..."}'}</code> events, ending with{" "}
          <code>data: [DONE]</code>.
        </p>
        <Code>{`curl -N ${origin}/completions \\
  -H "Content-Type: application/json" \\
  -d '{"model": "claude-sonnet-5-5", "messages": [{"role": "user", "content": "Hello"}], "apiKey": "'$GATEWAY_KEY'"}'`}</Code>

        <h2>Operations</h2>
        <p>
          <code>GET /healthz</code> answers while the process is up; <code>GET /readyz</code>{" "}
          answers 200 once the database is reachable and fully migrated, and 503 before that.
        </p>
      </main>
    </>
  );
}
