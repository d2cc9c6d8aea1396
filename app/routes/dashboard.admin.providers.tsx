import {
  getFormProps,
  getInputProps,
  getSelectProps,
  useForm,
  type DefaultValue,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { data, Form, useNavigation } from "react-router";
import { z } from "zod";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import {
  AddKeyFormSchema,
  CreateProviderFormSchema,
  EditProviderFormSchema,
  ImportModelsFormSchema,
} from "#app/admin/provider-fields.ts";
import {
  addProviderKey,
  createProvider,
  HEALTH_WINDOW_MINUTES,
  importProviderModels,
  listProviders,
  providerHealth,
  setProviderKeyEnabled,
  testProvider,
  updateProvider,
} from "#app/admin/providers.server.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Label } from "#app/components/ui/label.tsx";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { PROVIDER_KINDS } from "#app/providers/provider-kinds.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { resolveUpstreamTimeouts } from "#app/providers/upstream-timeouts.ts";
import { GatewayError } from "#app/http/gateway-error.ts";
import { readForm } from "#app/http/read-form.server.ts";
import type { Route } from "./+types/dashboard.admin.providers";

// Providers and their upstream keys, for admins: the same operations as the
// admin JSON API (app/admin/providers.server.ts), as plain forms that work
// without JavaScript. Keys are shown by their first characters only. A form's
// bad value answers beside its field, what was typed kept (ADR 046, ADR 050);
// a button's outcome (test, enable) shows in its provider's section.

// The buttons: no fields to get wrong, only a provider (and a key) to act on.
const ButtonSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("key"),
    slug: z.string(),
    id: z.coerce.number().int().positive().max(2_147_483_647),
    enabled: z.enum(["true", "false"]),
  }),
  z.object({ intent: z.literal("provider"), slug: z.string(), enabled: z.enum(["true", "false"]) }),
  z.object({ intent: z.literal("test"), slug: z.string() }),
]);

/** The id of the form a submission came from: its answer goes back to that form only. */
const formId = (intent: string, slug?: string) =>
  intent === "create" ? "add-provider" : `${intent}-${slug ?? ""}`;

export async function loader({ request }: Route.LoaderArgs) {
  await requireAdminId(request);
  const { prisma } = getAccounts();
  const [providers, health, gateway] = await Promise.all([
    listProviders(prisma),
    providerHealth(prisma),
    getGateway(),
  ]);
  const skipped = new Set(gateway.breaker.skippedProviders());
  const now = Date.now();
  const inSeconds = (ms: number) => Math.round(ms / 1000);
  return {
    kinds: PROVIDER_KINDS,
    healthMinutes: HEALTH_WINDOW_MINUTES,
    providers: providers.map((provider) => ({
      health: health.get(provider.slug) ?? null,
      // This instance's circuit breaker; another instance keeps its own.
      skipped: skipped.has(provider.slug),
      slug: provider.slug,
      name: provider.name,
      kind: provider.kind,
      baseUrl: provider.baseUrl,
      streamUsage: provider.streamUsage,
      enabled: provider.enabled,
      // Its own timeouts (null: the environment's), and the environment's it would fall back to.
      timeouts: {
        firstByteSeconds: provider.firstByteTimeoutSeconds,
        chunkSeconds: provider.chunkTimeoutSeconds,
        answerSeconds: provider.answerTimeoutSeconds,
      },
      defaultTimeouts: (({ firstByteMs, betweenChunksMs, answerMs }) => ({
        firstByteSeconds: inSeconds(firstByteMs),
        chunkSeconds: inSeconds(betweenChunksMs),
        answerSeconds: inSeconds(answerMs),
      }))(resolveUpstreamTimeouts(gateway.upstreamTimeouts, provider.slug)),
      keys: provider.keys.map((key) => ({
        id: key.id,
        prefix: key.prefix,
        enabled: key.enabled,
        fromEnv: key.envName,
        state: key.invalidAt
          ? "refused"
          : key.coolingUntil && key.coolingUntil.getTime() > now
            ? "cooling"
            : null,
        lastError: key.lastError,
      })),
    })),
  };
}

interface Outcome {
  ok: boolean;
  message: string;
  /** The provider the message is about: shown in its section. */
  slug?: string;
  /** The form that was sent, and conform's answer for it. */
  form?: string;
  result?: SubmissionResult<string[]>;
}

/** Every answer of the action has this shape, whichever branch gave it. */
const answered = (outcome: Outcome): Outcome => outcome;

export async function action({ request }: Route.ActionArgs) {
  const admin = { id: await requireAdminId(request), request };
  const formData = await readForm(request);
  const intent = formData.get("intent");
  if (intent === "create") return create(formData, admin);
  if (intent === "add-key") return addKey(formData, admin);
  if (intent === "edit") return edit(formData, admin);
  if (intent === "import") return importModels(formData, admin);
  const parsed = ButtonSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return data<Outcome>({ ok: false, message: "Unknown action" }, 400);
  const input = parsed.data;
  const { prisma } = getAccounts();
  try {
    switch (input.intent) {
      case "key": {
        const enabled = input.enabled === "true";
        await setProviderKeyEnabled(prisma, input.slug, input.id, enabled, admin);
        return answered({
          ok: true,
          slug: input.slug,
          message: enabled ? "Key enabled." : "Key disabled.",
        });
      }
      case "provider": {
        const enabled = input.enabled === "true";
        await updateProvider(prisma, input.slug, { enabled }, admin);
        return answered({
          ok: true,
          slug: input.slug,
          message: `${input.slug} ${enabled ? "enabled" : "disabled"}.`,
        });
      }
      case "test": {
        const result = await testProvider(await getGateway(), input.slug);
        return answered({
          ok: result.ok,
          slug: input.slug,
          message: `${input.slug}: ${result.ok ? "works" : "failed"} (${result.latencyMs} ms). ${result.message}`,
        });
      }
    }
  } catch (error) {
    if (error instanceof GatewayError)
      return data<Outcome>({ ok: false, slug: input.slug, message: error.message }, error.status);
    throw error;
  }
}

type Admin = { id: string; request: Request };
/** What this file needs of conform's submission, refused or not. */
type Submission = {
  error?: Record<string, string[] | null> | null;
  reply: (options?: {
    fieldErrors?: Record<string, string[]>;
    formErrors?: string[];
  }) => SubmissionResult<string[]>;
};

/** A form refused by its schema: the errors go beside the fields; `message` names the first. */
function refusedForm(submission: Submission, form: string) {
  const [field, errors] = Object.entries(submission.error ?? {})[0] ?? ["", ["Not valid"]];
  return data<Outcome>(
    {
      ok: false,
      message: `${field}: ${errors?.[0] ?? "Not valid"}`,
      form,
      result: submission.reply(),
    },
    400,
  );
}

/**
 * What the library refused ("baseUrl: is required ...", a taken slug, no such
 * provider): beside the field it names when the form has it, else above the form.
 */
function refusedByGateway(
  error: unknown,
  submission: Submission,
  form: string,
  fields: readonly string[],
) {
  if (!(error instanceof GatewayError)) throw error;
  const field = error.param && fields.includes(error.param) ? error.param : null;
  const text = upperFirst(error.message.replace(/^[\w.]+: /, ""));
  const result = submission.reply(
    field ? { fieldErrors: { [field]: [text] } } : { formErrors: [text] },
  );
  return data<Outcome>({ ok: false, message: error.message, form, result }, error.status);
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

async function create(formData: FormData, admin: Admin) {
  const form = formId("create");
  const submission = parseWithZod(formData, { schema: CreateProviderFormSchema });
  if (submission.status !== "success") return refusedForm(submission, form);
  const { slug, name, kind, baseUrl, apiKey, streamUsage } = submission.value;
  try {
    const { box } = await getGateway();
    const created = await createProvider(
      getAccounts().prisma,
      box,
      { slug, name: name || undefined, kind, baseUrl, apiKey, streamUsage: streamUsage === "on" },
      admin,
    );
    // Reset: the form starts empty again, the upstream key with it.
    return answered({
      ok: true,
      message: `Provider ${created.slug} added.`,
      form,
      result: submission.reply({ resetForm: true }),
    });
  } catch (error) {
    return refusedByGateway(error, submission, form, ["slug", "baseUrl", "apiKey", "kind"]);
  }
}

async function addKey(formData: FormData, admin: Admin) {
  const submission = parseWithZod(formData, { schema: AddKeyFormSchema });
  const form = formId("add-key", String(formData.get("slug")));
  if (submission.status !== "success") return refusedForm(submission, form);
  const { slug, apiKey } = submission.value;
  try {
    const { box } = await getGateway();
    const key = await addProviderKey(getAccounts().prisma, box, slug, apiKey, admin);
    return answered({
      ok: true,
      slug,
      message: `Key ${key.prefix}… added to ${slug}.`,
      form,
      result: submission.reply({ resetForm: true }),
    });
  } catch (error) {
    return refusedByGateway(error, submission, form, ["apiKey"]);
  }
}

async function edit(formData: FormData, admin: Admin) {
  const submission = parseWithZod(formData, { schema: EditProviderFormSchema });
  const form = formId("edit", String(formData.get("slug")));
  if (submission.status !== "success") return refusedForm(submission, form);
  const { slug, name, baseUrl, streamUsage, ...timeouts } = submission.value;
  try {
    await updateProvider(
      getAccounts().prisma,
      slug,
      {
        name: name || undefined,
        // An empty base URL means the official API's, an empty timeout the environment's.
        baseUrl: baseUrl ?? null,
        streamUsage: streamUsage === "on",
        firstByteTimeoutSeconds: timeouts.firstByteTimeoutSeconds ?? null,
        chunkTimeoutSeconds: timeouts.chunkTimeoutSeconds ?? null,
        answerTimeoutSeconds: timeouts.answerTimeoutSeconds ?? null,
      },
      admin,
    );
    return answered({ ok: true, slug, message: `${slug} saved: new requests use it now.`, form });
  } catch (error) {
    return refusedByGateway(error, submission, form, ["name", "baseUrl"]);
  }
}

async function importModels(formData: FormData, admin: Admin) {
  const submission = parseWithZod(formData, { schema: ImportModelsFormSchema });
  const form = formId("import", String(formData.get("slug")));
  if (submission.status !== "success") return refusedForm(submission, form);
  const { slug, input, output } = submission.value;
  try {
    const { box } = await getGateway();
    const result = await importProviderModels(
      getAccounts().prisma,
      box,
      slug,
      { input, output },
      admin,
    );
    return answered({
      ok: true,
      slug,
      form,
      result: submission.reply({ resetForm: true }),
      message:
        result.imported.length === 0
          ? `${slug} lists ${result.listed} models, none new.`
          : `Imported ${result.imported.join(", ")}: switched off until you enable them on the Admin page.`,
    });
  } catch (error) {
    return refusedByGateway(error, submission, form, []);
  }
}

/** "Last 15 min: 120 requests, 2% errors, median 850 ms (first token 310 ms)". */
function describeHealth(
  health: {
    requests: number;
    errors: number;
    latencyP50Ms: number | null;
    firstTokenP50Ms: number | null;
  } | null,
  minutes: number,
) {
  if (!health || health.requests === 0) return `No requests in the last ${minutes} min.`;
  const errorRate = Math.round((health.errors / health.requests) * 100);
  const latency = health.latencyP50Ms === null ? "" : `, median ${health.latencyP50Ms} ms`;
  const firstToken =
    health.firstTokenP50Ms === null ? "" : ` (first token ${health.firstTokenP50Ms} ms)`;
  return `Last ${minutes} min: ${health.requests} requests, ${errorRate}% errors${latency}${firstToken}.`;
}

export const meta: Route.MetaFunction = () => [{ title: "Admin: providers · LLM Gateway" }];

type ProviderRow = Route.ComponentProps["loaderData"]["providers"][number];

export default function Providers({ loaderData, actionData }: Route.ComponentProps) {
  // A form's answer goes back to that form only: the others on the page stay as they were.
  const answer = (form: string) => (actionData?.form === form ? actionData.result : undefined);
  // Said in a provider's section: a button's outcome, or a form's success (its errors sit beside its fields).
  // A new React key after a form's success: it starts empty again, an upstream key typed into it gone.
  const fresh = (form: string) =>
    actionData?.form === form && actionData.ok ? `${form}:${actionData.message}` : form;
  const said = (slug: string) =>
    actionData?.slug === slug && (actionData.ok || !actionData.form) ? actionData : null;
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Providers</h1>
        <p className="text-sm text-muted-foreground">
          Upstream APIs and their keys. Changes apply to new requests on every instance within a
          second.
        </p>
      </div>
      {actionData && !actionData.ok && !actionData.slug && !actionData.form ? (
        <Outcome ok={false} message={actionData.message} />
      ) : null}
      {loaderData.providers.map((provider) => (
        <section
          key={provider.slug}
          className="grid min-w-0 gap-3 rounded-lg border p-4"
          aria-label={provider.slug}
        >
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="font-medium">{provider.name}</h2>
            <Badge variant="outline">{provider.kind}</Badge>
            {provider.enabled ? null : <Badge variant="outline">disabled</Badge>}
            <span className="text-sm break-all text-muted-foreground">
              {provider.baseUrl ?? "official API"}
            </span>
            {provider.skipped ? <Badge>skipped: failing</Badge> : null}
            <div className="ml-auto flex gap-2">
              <Form method="post">
                <input type="hidden" name="intent" value="test" />
                <input type="hidden" name="slug" value={provider.slug} />
                <Button type="submit" variant="outline" size="sm">
                  Test {provider.slug}
                </Button>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value="provider" />
                <input type="hidden" name="slug" value={provider.slug} />
                <input type="hidden" name="enabled" value={provider.enabled ? "false" : "true"} />
                <Button type="submit" variant="outline" size="sm">
                  {provider.enabled ? "Disable" : "Enable"}
                </Button>
              </Form>
            </div>
          </div>
          {said(provider.slug) ? (
            <Outcome ok={said(provider.slug)!.ok} message={said(provider.slug)!.message} />
          ) : null}
          <p className="text-sm text-muted-foreground" data-testid={`health-${provider.slug}`}>
            {describeHealth(provider.health, loaderData.healthMinutes)}
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
          <ul className="grid gap-1 text-sm">
            {provider.keys.length === 0 ? (
              <li className="text-muted-foreground">No keys.</li>
            ) : null}
            {provider.keys.map((key) => (
              <li key={key.id} className="flex flex-wrap items-center gap-2">
                <code className="font-mono">{key.prefix}…</code>
                {key.fromEnv ? <Badge variant="outline">{key.fromEnv}</Badge> : null}
                {key.enabled ? null : <Badge variant="outline">disabled</Badge>}
                {key.state ? <Badge variant="outline">{key.state}</Badge> : null}
                {key.state && key.lastError ? (
                  <span className="break-all text-muted-foreground">{key.lastError}</span>
                ) : null}
                <Form method="post">
                  <input type="hidden" name="intent" value="key" />
                  <input type="hidden" name="slug" value={provider.slug} />
                  <input type="hidden" name="id" value={key.id} />
                  <input
                    type="hidden"
                    name="enabled"
                    value={key.enabled && key.state !== "refused" ? "false" : "true"}
                  />
                  <Button type="submit" variant="ghost" size="sm">
                    {key.enabled && key.state !== "refused" ? "Disable key" : "Enable key"}
                  </Button>
                </Form>
              </li>
            ))}
          </ul>
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
      ))}
      <section className="grid gap-3 rounded-lg border p-4" aria-label="Add a provider">
        <h2 className="font-medium">Add a provider</h2>
        {actionData?.form === "add-provider" && actionData.ok ? (
          <Outcome ok message={actionData.message} />
        ) : null}
        <AddProviderForm
          key={fresh("add-provider")}
          kinds={loaderData.kinds}
          lastResult={answer("add-provider")}
        />
      </section>
    </div>
  );
}

/** What a button or a form did: a status line, or an alert when it failed. */
function Outcome({ ok, message }: { ok: boolean; message: string }) {
  return (
    <p
      role={ok ? "status" : "alert"}
      className={
        ok
          ? "rounded-md border px-3 py-2 text-sm break-words"
          : "rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm break-words text-destructive"
      }
    >
      {message}
    </p>
  );
}

/** One of the page's forms, wired to its schema on both sides; an error stays until its value changes. */
function useProviderForm<
  Schema extends z.ZodType<Record<string, unknown>, Record<string, unknown>>,
>(
  id: string,
  schema: Schema,
  lastResult: SubmissionResult<string[]> | undefined,
  defaultValue?: DefaultValue<z.input<Schema>>,
) {
  const navigation = useNavigation();
  return useForm<z.input<Schema>, z.output<Schema>>({
    id,
    lastResult: navigation.state === "idle" ? lastResult : undefined,
    constraint: getZodConstraint(schema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldRevalidate: "onInput",
    defaultValue,
  });
}

/** Name, base URL, usage in streams and timeouts, behind a disclosure; opened while it has errors. */
function EditProviderForm({
  provider,
  lastResult,
}: {
  provider: ProviderRow;
  lastResult?: SubmissionResult<string[]>;
}) {
  const [form, fields] = useProviderForm(
    `edit-${provider.slug}`,
    EditProviderFormSchema,
    lastResult,
    {
      name: provider.name,
      baseUrl: provider.baseUrl ?? "",
      streamUsage: provider.streamUsage ? "on" : undefined,
      firstByteTimeoutSeconds: provider.timeouts.firstByteSeconds?.toString() ?? "",
      chunkTimeoutSeconds: provider.timeouts.chunkSeconds?.toString() ?? "",
      answerTimeoutSeconds: provider.timeouts.answerSeconds?.toString() ?? "",
    },
  );
  const timeout = (field: typeof fields.chunkTimeoutSeconds, label: string, fallback: number) => (
    <FormField
      label={label}
      errors={field.errors}
      inputProps={{
        ...getInputProps(field, { type: "number" }),
        inputMode: "numeric",
        placeholder: String(fallback),
      }}
    />
  );
  return (
    <details className="text-sm" open={form.errors || !form.valid ? true : undefined}>
      <summary className="cursor-pointer text-muted-foreground">Edit {provider.slug}</summary>
      <Form
        method="post"
        className="mt-2 grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)] sm:items-start"
        {...getFormProps(form)}
      >
        <div className="empty:hidden sm:col-span-2">
          <FormErrors errors={form.errors} />
        </div>
        <input type="hidden" name="intent" value="edit" />
        <input type="hidden" name="slug" value={provider.slug} />
        <FormField
          label="Name"
          errors={fields.name.errors}
          inputProps={getInputProps(fields.name, { type: "text" })}
        />
        <FormField
          label="Base URL (empty: the official API)"
          errors={fields.baseUrl.errors}
          inputProps={getInputProps(fields.baseUrl, { type: "url" })}
        />
        <label className="flex items-center gap-2 sm:col-span-2">
          <input {...getInputProps(fields.streamUsage, { type: "checkbox", value: "on" })} />
          Streams report usage
        </label>
        <fieldset className="grid gap-3 sm:col-span-2 sm:grid-cols-3 sm:items-start">
          <legend className="mb-1 text-muted-foreground">
            Timeouts in seconds; empty: the environment&apos;s (shown greyed)
          </legend>
          {timeout(
            fields.firstByteTimeoutSeconds,
            "First part of a stream",
            provider.defaultTimeouts.firstByteSeconds,
          )}
          {timeout(
            fields.chunkTimeoutSeconds,
            "Between two parts",
            provider.defaultTimeouts.chunkSeconds,
          )}
          {timeout(
            fields.answerTimeoutSeconds,
            "Whole answer (not streamed)",
            provider.defaultTimeouts.answerSeconds,
          )}
        </fieldset>
        <Button type="submit" size="sm" variant="outline" className="justify-self-start">
          Save {provider.slug}
        </Button>
      </Form>
    </details>
  );
}

/** The models an OpenAI-style provider lists, imported switched off at the prices given. */
function ImportForm({
  slug,
  lastResult,
}: {
  slug: string;
  lastResult?: SubmissionResult<string[]>;
}) {
  const [form, fields] = useProviderForm(`import-${slug}`, ImportModelsFormSchema, lastResult);
  return (
    <Form
      method="post"
      className="grid gap-3 text-sm sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-start"
      aria-label={`Import ${slug}'s models`}
      {...getFormProps(form)}
    >
      <p className="text-muted-foreground sm:col-span-3">
        Import the models it lists, at these prices (US$ per 1M tokens); they start switched off.
      </p>
      <div className="empty:hidden sm:col-span-3">
        <FormErrors errors={form.errors} />
      </div>
      <input type="hidden" name="intent" value="import" />
      <input type="hidden" name="slug" value={slug} />
      <FormField
        label="Input price"
        errors={fields.input.errors}
        inputProps={{ ...getInputProps(fields.input, { type: "text" }), inputMode: "decimal" }}
      />
      <FormField
        label="Output price"
        errors={fields.output.errors}
        inputProps={{ ...getInputProps(fields.output, { type: "text" }), inputMode: "decimal" }}
      />
      <Button type="submit" variant="outline" size="sm" className="justify-self-start sm:mt-6">
        Import models
      </Button>
    </Form>
  );
}

/** One more upstream key for a provider; the form empties once it is added. */
function AddKeyForm({
  slug,
  lastResult,
}: {
  slug: string;
  lastResult?: SubmissionResult<string[]>;
}) {
  const [form, fields] = useProviderForm(`add-key-${slug}`, AddKeyFormSchema, lastResult);
  return (
    <Form
      method="post"
      className="grid gap-3 text-sm sm:grid-cols-[minmax(0,24rem)_auto] sm:items-start"
      {...getFormProps(form)}
    >
      <div className="empty:hidden sm:col-span-2">
        <FormErrors errors={form.errors} />
      </div>
      <input type="hidden" name="intent" value="add-key" />
      <input type="hidden" name="slug" value={slug} />
      <FormField
        label={`New key for ${slug}`}
        errors={fields.apiKey.errors}
        inputProps={{
          ...getInputProps(fields.apiKey, { type: "password" }),
          autoComplete: "off",
          placeholder: "New upstream key",
        }}
      />
      <Button type="submit" size="sm" className="justify-self-start sm:mt-6">
        Add key
      </Button>
    </Form>
  );
}

/** A new provider and, if given, its first key; the form empties once it is added. */
function AddProviderForm({
  kinds,
  lastResult,
}: {
  kinds: readonly string[];
  lastResult?: SubmissionResult<string[]>;
}) {
  const [form, fields] = useProviderForm("add-provider", CreateProviderFormSchema, lastResult, {
    kind: "openai-compatible",
    streamUsage: "on",
  });
  return (
    <Form
      method="post"
      className="grid gap-3 sm:grid-cols-3 sm:items-start"
      {...getFormProps(form)}
    >
      <div className="empty:hidden sm:col-span-3">
        <FormErrors errors={form.errors} />
      </div>
      <input type="hidden" name="intent" value="create" />
      <FormField
        label="Slug"
        errors={fields.slug.errors}
        inputProps={{ ...getInputProps(fields.slug, { type: "text" }), placeholder: "groq" }}
      />
      <div className="grid gap-1.5">
        <Label htmlFor={fields.kind.id}>Kind</Label>
        <select
          {...getSelectProps(fields.kind)}
          aria-invalid={fields.kind.errors ? true : undefined}
          aria-describedby={fields.kind.errors ? `${fields.kind.id}-error` : undefined}
          className="h-9 rounded-md border bg-transparent px-2 text-sm"
        >
          {kinds.map((kind) => (
            <option key={kind}>{kind}</option>
          ))}
        </select>
        {fields.kind.errors ? (
          <p id={`${fields.kind.id}-error`} className="text-sm text-destructive">
            {fields.kind.errors.join(" ")}
          </p>
        ) : null}
      </div>
      <FormField
        label="Base URL"
        errors={fields.baseUrl.errors}
        inputProps={{
          ...getInputProps(fields.baseUrl, { type: "url" }),
          placeholder: "https://api.groq.com/openai/v1",
        }}
      />
      <FormField
        label="Name (optional)"
        errors={fields.name.errors}
        inputProps={{ ...getInputProps(fields.name, { type: "text" }), placeholder: "Groq" }}
      />
      <FormField
        label="Upstream key"
        errors={fields.apiKey.errors}
        inputProps={{ ...getInputProps(fields.apiKey, { type: "password" }), autoComplete: "off" }}
      />
      <label className="flex items-center gap-2 text-sm sm:mt-6">
        <input {...getInputProps(fields.streamUsage, { type: "checkbox", value: "on" })} />
        Its streams report token usage
      </label>
      <Button type="submit" className="justify-self-start">
        Add provider
      </Button>
    </Form>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
