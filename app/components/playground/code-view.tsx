import { CopyButton } from "#app/components/copy-button.tsx";
import { CODE_LABELS, CODE_LANGUAGES, playgroundCode } from "#app/playground/playground-code.ts";
import type { HistoryMessage, PlaygroundSettings } from "#app/playground/playground-request.ts";

/** "View code": the column's last request (or a first one) in four ways, each ready to run. */
export function CodeView({
  origin,
  model,
  settings,
  history,
}: {
  origin: string;
  model: string;
  settings: PlaygroundSettings;
  history: HistoryMessage[];
}) {
  return (
    <details className="rounded-lg border p-3">
      <summary className="cursor-pointer text-sm font-medium">View code</summary>
      <p className="mt-2 text-sm text-muted-foreground">
        The request for <code>{model}</code> with this chat&apos;s settings. Set{" "}
        <code>GATEWAY_API_KEY</code> to one of your API keys.
      </p>
      <div className="mt-3 grid gap-4">
        {CODE_LANGUAGES.map((language) => {
          const code = playgroundCode(language, origin, model, settings, history);
          return (
            <section
              key={language}
              aria-label={CODE_LABELS[language]}
              className="grid min-w-0 gap-2"
            >
              <div className="flex items-center justify-between gap-2">
                <h3 className="text-sm font-semibold">{CODE_LABELS[language]}</h3>
                <CopyButton text={code} />
              </div>
              <pre className="max-h-80 overflow-auto rounded bg-muted p-3 text-xs">
                <code>{code}</code>
              </pre>
            </section>
          );
        })}
      </div>
    </details>
  );
}
