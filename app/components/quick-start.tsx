import { CopyButton } from "#app/components/copy-button.tsx";
import type { QuickStartSnippet } from "#app/usage/quick-start-snippets.ts";

/** The overview's quick start: one block per language, each with its own Copy button. */
export function QuickStart({ snippets }: { snippets: QuickStartSnippet[] }) {
  return (
    <section aria-labelledby="quick-start" className="grid gap-3">
      <h2 id="quick-start" className="text-lg font-semibold">
        Quick start
      </h2>
      <p className="text-sm text-muted-foreground">
        Create a key on the API keys page, put it in the first line and paste the whole block into a
        terminal: it streams an answer.
      </p>
      {snippets.map(({ language, code }) => (
        <figure key={language} className="grid gap-1.5">
          <figcaption className="flex items-center justify-between gap-3 text-sm font-medium">
            {language}
            <CopyButton text={code} label={`Copy ${language}`} />
          </figcaption>
          <pre
            tabIndex={0}
            data-testid={`snippet-${language}`}
            className="overflow-x-auto rounded-lg bg-primary p-4 text-sm text-primary-foreground"
          >
            <code>{code}</code>
          </pre>
        </figure>
      ))}
    </section>
  );
}
