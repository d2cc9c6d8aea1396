import { SiteHeader } from "#app/components/site-header.tsx";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import type { Route } from "./+types/docs";

export function loader({ request }: Route.LoaderArgs) {
  return { origin: publicOrigin(request) };
}

export const meta: Route.MetaFunction = () => [{ title: "Docs · LLM Gateway" }];

/** The API, as routes.ts serves it. */
const ENDPOINTS: [string, string][] = [
  ["POST /v1/chat/completions", "OpenAI's Chat Completions"],
  ["POST /v1/completions", "OpenAI's legacy Completions (a prompt in, text out)"],
  ["POST /v1/responses", "OpenAI's Responses API (the Codex CLI, the Agents SDK)"],
  ["POST /v1/messages", "Anthropic's Messages API (Claude Code, the Anthropic SDKs)"],
  ["POST /v1/messages/count_tokens", "Anthropic's token count, counted here"],
  ["POST /v1/embeddings", "OpenAI's Embeddings"],
  ["POST /v1/images/generations, /v1/images/edits", "OpenAI's Images API, priced per image"],
  ["POST /v1/audio/speech", "OpenAI's speech (tts-1, Gemini's speech models), streamed"],
  [
    "POST /v1/audio/transcriptions, /v1/audio/translations",
    "OpenAI's transcriptions (whisper-1; gpt-4o-transcribe also streamed)",
  ],
  ["GET /v1/models", "the catalog, with prices"],
  [
    "POST /api/v1/chat/completions, /api/v1/messages, /api/v1/responses, /api/v1/embeddings",
    "OpenRouter's API, with its model ids (images from chats with modalities)",
  ],
  ["POST /api/v1/images", "OpenRouter's image generation"],
  ["GET /api/v1/models", "the catalog in OpenRouter's shape"],
  ["GET /api/v1/generation, /api/v1/key, /api/v1/credits", "OpenRouter's lookups by API key"],
  ["POST /completions", "the simple streaming format below"],
];

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

        <h2>Endpoints</h2>
        <ul className="mt-3 list-disc space-y-1 pl-6 text-muted-foreground">
          {ENDPOINTS.map(([path, what]) => (
            <li key={path}>
              <code>{path}</code>: {what}
            </li>
          ))}
        </ul>
        <p>
          Any other path under <code>/v1</code>, <code>/api</code> and <code>/api/v1</code> answers
          a JSON 404 (or a 405 naming the methods a path takes) in the API&apos;s error shape.
          Clients take the base URL <code>{`${origin}/v1`}</code>; Anthropic&apos;s SDKs and Claude
          Code take <code>{origin}</code> and add <code>/v1</code> themselves.
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
