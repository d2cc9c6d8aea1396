import { data, Form } from "react-router";
import { z } from "zod";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import {
  addProviderKey,
  AddKeySchema,
  createProvider,
  CreateProviderSchema,
  HEALTH_WINDOW_MINUTES,
  importProviderModels,
  ImportModelsSchema,
  listProviders,
  providerHealth,
  setProviderKeyEnabled,
  testProvider,
  updateProvider,
  UpdateProviderSchema,
} from "#app/admin/providers.server.ts";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { PROVIDER_KINDS } from "#app/gateway/providers/create-adapter.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { resolveUpstreamTimeouts } from "#app/gateway/upstream-timeouts.ts";
import { GatewayError } from "#app/http/gateway-error.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { describeZodError } from "#app/http/zod-issue.ts";
import type { Route } from "./+types/dashboard.admin.providers";

// Providers and their upstream keys, for admins: the same operations as the
// admin JSON API (app/admin/providers.server.ts), as plain forms that work
// without JavaScript. Keys are shown by their first characters only.

const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create") }).passthrough(),
  z.object({ intent: z.literal("add-key"), slug: z.string(), apiKey: z.string() }),
  z.object({
    intent: z.literal("key"),
    slug: z.string(),
    id: z.coerce.number().int().positive().max(2_147_483_647),
    enabled: z.enum(["true", "false"]),
  }),
  z.object({ intent: z.literal("provider"), slug: z.string(), enabled: z.enum(["true", "false"]) }),
  z.object({ intent: z.literal("test"), slug: z.string() }),
  z.object({
    intent: z.literal("edit"),
    slug: z.string(),
    name: z.string(),
    baseUrl: z.string(),
    streamUsage: z.literal("on").optional(),
    firstByteTimeoutSeconds: z.string().optional(),
    chunkTimeoutSeconds: z.string().optional(),
    answerTimeoutSeconds: z.string().optional(),
  }),
  z.object({
    intent: z.literal("import"),
    slug: z.string(),
    input: z.string(),
    output: z.string(),
  }),
]);

export async function loader({ request }: Route.LoaderArgs) {
  await requireAdminId(request);
  const { prisma } = getAccounts();
  const [providers, health, gateway] = await Promise.all([
    listProviders(prisma),
    providerHealth(prisma),
    getGateway(),
  ]);
  const skipped = new Set(gateway.breaker.open());
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

type Outcome = { ok: boolean; message: string };

/** A form refused: its message shows above the providers. */
const refused = (error: z.ZodError) =>
  data<Outcome>({ ok: false, message: describeZodError(error).message }, 400);

export async function action({ request }: Route.ActionArgs) {
  const admin = { id: await requireAdminId(request), request };
  const { prisma } = getAccounts();
  const form = Object.fromEntries(await readForm(request));
  const parsed = ActionSchema.safeParse(form);
  if (!parsed.success) return data<Outcome>({ ok: false, message: "Unknown action" }, 400);
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "create": {
        const fields = CreateProviderSchema.safeParse({
          slug: form.slug,
          name: form.name || undefined,
          kind: form.kind,
          baseUrl: form.baseUrl || undefined,
          apiKey: form.apiKey || undefined,
          streamUsage: form.streamUsage === "on",
        });
        if (!fields.success) return refused(fields.error);
        const { box } = await getGateway();
        const created = await createProvider(prisma, box, fields.data, admin);
        return { ok: true, message: `Provider ${created.slug} added.` };
      }
      case "add-key": {
        const fields = AddKeySchema.safeParse({ apiKey: input.apiKey });
        if (!fields.success) return refused(fields.error);
        const { box } = await getGateway();
        const key = await addProviderKey(prisma, box, input.slug, fields.data.apiKey, admin);
        return { ok: true, message: `Key ${key.prefix}… added to ${input.slug}.` };
      }
      case "key": {
        const enabled = input.enabled === "true";
        await setProviderKeyEnabled(prisma, input.slug, input.id, enabled, admin);
        return { ok: true, message: enabled ? "Key enabled." : "Key disabled." };
      }
      case "provider": {
        const enabled = input.enabled === "true";
        await updateProvider(prisma, input.slug, { enabled }, admin);
        return { ok: true, message: `${input.slug} ${enabled ? "enabled" : "disabled"}.` };
      }
      case "edit": {
        const fields = UpdateProviderSchema.safeParse({
          name: input.name.trim() || undefined,
          // An empty base URL means the official API's.
          baseUrl: input.baseUrl.trim() || null,
          streamUsage: input.streamUsage === "on",
          firstByteTimeoutSeconds: secondsField(input.firstByteTimeoutSeconds),
          chunkTimeoutSeconds: secondsField(input.chunkTimeoutSeconds),
          answerTimeoutSeconds: secondsField(input.answerTimeoutSeconds),
        });
        if (!fields.success) return refused(fields.error);
        await updateProvider(prisma, input.slug, fields.data, admin);
        return { ok: true, message: `${input.slug} saved: new requests use it now.` };
      }
      case "import": {
        const fields = ImportModelsSchema.safeParse({
          prices: { input: input.input.trim(), output: input.output.trim() },
        });
        if (!fields.success) return refused(fields.error);
        const { box } = await getGateway();
        const result = await importProviderModels(
          prisma,
          box,
          input.slug,
          fields.data.prices,
          admin,
        );
        return {
          ok: true,
          message:
            result.imported.length === 0
              ? `${input.slug} lists ${result.listed} models, none new.`
              : `Imported ${result.imported.join(", ")}: switched off until you enable them on the Admin page.`,
        };
      }
      case "test": {
        const result = await testProvider(await getGateway(), input.slug);
        return {
          ok: result.ok,
          message: `${input.slug}: ${result.ok ? "works" : "failed"} (${result.latencyMs} ms). ${result.message}`,
        };
      }
    }
  } catch (error) {
    if (error instanceof GatewayError)
      return data<Outcome>({ ok: false, message: error.message }, error.status);
    throw error;
  }
}

/** A timeout field of the edit form: empty means the environment's (null); else a number for the schema to check. */
function secondsField(value: string | undefined) {
  const text = value?.trim() ?? "";
  return text === "" ? null : Number(text);
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

/** One of a provider's timeouts: its own value, or empty with the environment's as placeholder. */
function TimeoutField(props: {
  name: string;
  label: string;
  value: number | null;
  fallback: number;
}) {
  return (
    <label className="grid gap-1">
      {props.label}
      <Input
        name={props.name}
        type="number"
        min={1}
        max={3600}
        step={1}
        inputMode="numeric"
        defaultValue={props.value ?? ""}
        placeholder={String(props.fallback)}
      />
    </label>
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Admin: providers · LLM Gateway" }];

export default function Providers({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Providers</h1>
        <p className="text-sm text-muted-foreground">
          Upstream APIs and their keys. Changes apply to new requests on every instance within a
          second.
        </p>
      </div>
      {actionData ? (
        <p
          role={actionData.ok ? "status" : "alert"}
          className={
            actionData.ok
              ? "rounded-md border px-3 py-2 text-sm"
              : "rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive"
          }
        >
          {actionData.message}
        </p>
      ) : null}
      {loaderData.providers.map((provider) => (
        <section
          key={provider.slug}
          className="grid gap-3 rounded-lg border p-4"
          aria-label={provider.slug}
        >
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="font-medium">{provider.name}</h2>
            <Badge variant="outline">{provider.kind}</Badge>
            {provider.enabled ? null : <Badge variant="outline">disabled</Badge>}
            <span className="text-sm text-muted-foreground">
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
          <p className="text-sm text-muted-foreground" data-testid={`health-${provider.slug}`}>
            {describeHealth(provider.health, loaderData.healthMinutes)}
          </p>
          <details className="text-sm">
            <summary className="cursor-pointer text-muted-foreground">Edit {provider.slug}</summary>
            <Form
              method="post"
              className="mt-2 grid gap-2 sm:grid-cols-[1fr_2fr_auto_auto] sm:items-end"
            >
              <input type="hidden" name="intent" value="edit" />
              <input type="hidden" name="slug" value={provider.slug} />
              <label className="grid gap-1">
                Name
                <Input name="name" defaultValue={provider.name} />
              </label>
              <label className="grid gap-1">
                Base URL (empty: the official API)
                <Input name="baseUrl" type="url" defaultValue={provider.baseUrl ?? ""} />
              </label>
              <label className="flex items-center gap-2">
                <input type="checkbox" name="streamUsage" defaultChecked={provider.streamUsage} />
                Streams report usage
              </label>
              <Button type="submit" size="sm" variant="outline">
                Save
              </Button>
              <fieldset className="grid gap-2 sm:col-span-4 sm:grid-cols-3">
                <legend className="mb-1 text-muted-foreground">
                  Timeouts in seconds; empty: the environment&apos;s (shown greyed)
                </legend>
                <TimeoutField
                  name="firstByteTimeoutSeconds"
                  label="First part of a stream"
                  value={provider.timeouts.firstByteSeconds}
                  fallback={provider.defaultTimeouts.firstByteSeconds}
                />
                <TimeoutField
                  name="chunkTimeoutSeconds"
                  label="Between two parts"
                  value={provider.timeouts.chunkSeconds}
                  fallback={provider.defaultTimeouts.chunkSeconds}
                />
                <TimeoutField
                  name="answerTimeoutSeconds"
                  label="Whole answer (not streamed)"
                  value={provider.timeouts.answerSeconds}
                  fallback={provider.defaultTimeouts.answerSeconds}
                />
              </fieldset>
            </Form>
          </details>
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
                  <span className="text-muted-foreground">{key.lastError}</span>
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
            <Form method="post" className="flex flex-wrap items-end gap-2 text-sm">
              <input type="hidden" name="intent" value="import" />
              <input type="hidden" name="slug" value={provider.slug} />
              <span className="text-muted-foreground">Import the models it lists, at US$</span>
              <Input
                name="input"
                inputMode="decimal"
                aria-label={`Input price for ${provider.slug}'s imported models`}
                placeholder="input"
                className="w-20"
              />
              <span className="text-muted-foreground">/</span>
              <Input
                name="output"
                inputMode="decimal"
                aria-label={`Output price for ${provider.slug}'s imported models`}
                placeholder="output"
                className="w-20"
              />
              <span className="text-muted-foreground">per 1M tokens</span>
              <Button type="submit" variant="outline" size="sm">
                Import models
              </Button>
            </Form>
          ) : null}
          <Form
            key={actionData?.ok ? actionData.message : "add-key"}
            method="post"
            className="flex flex-wrap items-end gap-2"
          >
            <input type="hidden" name="intent" value="add-key" />
            <input type="hidden" name="slug" value={provider.slug} />
            <Input
              name="apiKey"
              type="password"
              autoComplete="off"
              aria-label={`New key for ${provider.slug}`}
              placeholder="New upstream key"
              className="w-72"
            />
            <Button type="submit" size="sm">
              Add key
            </Button>
          </Form>
        </section>
      ))}
      <section className="grid gap-3 rounded-lg border p-4" aria-label="Add a provider">
        <h2 className="font-medium">Add a provider</h2>
        {/* A new key after each success: the form starts empty again, the upstream key with it. */}
        <Form
          key={actionData?.ok ? actionData.message : "add-provider"}
          method="post"
          className="grid gap-3 sm:grid-cols-3 sm:items-end"
        >
          <input type="hidden" name="intent" value="create" />
          <label className="grid gap-1 text-sm">
            Slug
            <Input name="slug" placeholder="groq" required />
          </label>
          <label className="grid gap-1 text-sm">
            Kind
            <select
              name="kind"
              className="h-9 rounded-md border bg-transparent px-2"
              defaultValue="openai-compatible"
            >
              {loaderData.kinds.map((kind) => (
                <option key={kind}>{kind}</option>
              ))}
            </select>
          </label>
          <label className="grid gap-1 text-sm">
            Base URL
            <Input name="baseUrl" type="url" placeholder="https://api.groq.com/openai/v1" />
          </label>
          <label className="grid gap-1 text-sm">
            Name (optional)
            <Input name="name" placeholder="Groq" />
          </label>
          <label className="grid gap-1 text-sm">
            Upstream key
            <Input name="apiKey" type="password" autoComplete="off" />
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="streamUsage" defaultChecked />
            Its streams report token usage
          </label>
          <Button type="submit">Add provider</Button>
        </Form>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
