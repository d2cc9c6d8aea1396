import type { SubmissionResult } from "@conform-to/react";
import type { ProviderRow } from "#app/admin/providers-page.server.ts";
import { AddKeyForm } from "./add-key-form.tsx";
import { describeHealth } from "./describe-health.ts";
import { EditProviderForm } from "./edit-provider-form.tsx";
import { ImportForm } from "./import-models-form.tsx";
import { OutcomeMessage } from "./outcome-message.tsx";
import { ProviderHeading } from "./provider-heading.tsx";
import { ProviderKeyList } from "./provider-key-list.tsx";

/** How the page hands a provider's section its forms' answers (see the Providers page). */
export interface SectionAnswers {
  /** Conform's answer for the form with this id, if it was the one sent. */
  answer: (form: string) => SubmissionResult<string[]> | undefined;
  /** The React key of the form with this id: a new one after its success, so that it starts empty. */
  fresh: (form: string) => string;
  /** What a button or a form said about this provider, if anything. */
  said: { ok: boolean; message: string } | null;
}

/** One provider: its heading and buttons, health, settings, keys, and the forms to add to them. */
export function ProviderSection({
  provider,
  healthMinutes,
  answers: { answer, fresh, said },
}: {
  provider: ProviderRow;
  healthMinutes: number;
  answers: SectionAnswers;
}) {
  return (
    <section className="grid min-w-0 gap-3 rounded-lg border p-4" aria-label={provider.slug}>
      <ProviderHeading provider={provider} />
      {said ? <OutcomeMessage ok={said.ok} message={said.message} /> : null}
      <p className="text-sm text-muted-foreground" data-testid={`health-${provider.slug}`}>
        {describeHealth(provider.health, healthMinutes)}
      </p>
      <EditProviderForm
        // A fresh form once what is stored changed: its defaults are the stored values.
        key={JSON.stringify([
          provider.name,
          provider.baseUrl,
          provider.streamUsage,
          provider.timeouts,
        ])}
        provider={provider}
        lastResult={answer(`edit-${provider.slug}`)}
      />
      <ProviderKeyList provider={provider} />
      {provider.kind === "openai" || provider.kind === "openai-compatible" ? (
        <ImportForm
          key={fresh(`import-${provider.slug}`)}
          slug={provider.slug}
          lastResult={answer(`import-${provider.slug}`)}
        />
      ) : null}
      <AddKeyForm
        key={fresh(`add-key-${provider.slug}`)}
        slug={provider.slug}
        lastResult={answer(`add-key-${provider.slug}`)}
      />
    </section>
  );
}
