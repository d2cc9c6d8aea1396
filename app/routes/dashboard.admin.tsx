import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, useNavigation } from "react-router";
import { z } from "zod";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { creditsToMicro, formatMoney, formatPrice } from "#app/utils/money.ts";
import type { Route } from "./+types/dashboard.admin";
import { readForm } from "#app/http/read-form.server.ts";
import { audit, recentAuditEvents } from "#app/accounts/audit-log.server.ts";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { GatewayError } from "#app/http/gateway-error.ts";
import { grantCredits } from "#app/accounts/grants.server.ts";
import { randomUUID } from "node:crypto";
import type { ReactNode } from "react";
import { deleteAlias, listAliases, setAlias } from "#app/admin/model-aliases.server.ts";

// The models: one readable table with a search; each model's limits and route
// prices are changed on its own page (dashboard.admin.models.$slug.tsx, ADR 050).

// Credits an admin gives a user (support, refunds outside Stripe, trials).
const GrantSchema = z.object({
  intent: z.literal("grant"),
  token: z.uuid(),
  email: z.email("Enter the user's email").max(320),
  credits: z.coerce
    .number()
    .int("Enter whole credits")
    .min(1, "At least 1 credit")
    .max(10_000_000, "At most 10,000,000 credits"),
  note: z.string().trim().min(1, "Say why (shown in the audit log)").max(500),
});

// An alias: one more name for a model, accepted wherever a model is named.
const AliasSchema = z.object({
  intent: z.literal("alias"),
  name: z.string().trim().min(1, "Give the alias a name").max(64),
  model: z.string().trim().min(1, "Name the model it stands for").max(200),
});
const AliasDeleteSchema = z.object({ intent: z.literal("alias-delete"), name: z.string().max(64) });

export async function loader({ request }: Route.LoaderArgs) {
  await requireAdminId(request);
  const { prisma } = getAccounts();
  const query = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 200);
  const auditEvents = await recentAuditEvents(prisma);
  const aliases = await listAliases(prisma);
  const models = await prisma.model.findMany({
    orderBy: { slug: "asc" },
    select: {
      slug: true,
      name: true,
      contextLength: true,
      maxOutputTokens: true,
      mappings: {
        orderBy: [{ priority: "asc" }, { id: "asc" }],
        include: { provider: { select: { slug: true } } },
      },
    },
  });
  const rows = models.map((model) => ({
    slug: model.slug,
    name: model.name,
    contextLength: model.contextLength,
    maxOutputTokens: model.maxOutputTokens,
    routes: model.mappings.map((mapping) => ({
      id: mapping.id,
      provider: mapping.provider.slug,
      upstreamModel: mapping.upstreamModel,
      enabled: mapping.enabled,
      inputPrice: formatPrice(mapping.inputPrice),
      cachedInputPrice: formatPrice(mapping.cachedInputPrice),
      outputPrice: formatPrice(mapping.outputPrice),
    })),
  }));
  return {
    auditEvents,
    aliases,
    // A fresh token per page view: a double submit grants once.
    grantToken: randomUUID(),
    query,
    // Every model's slug, for the alias form's suggestions.
    modelSlugs: rows.map((model) => model.slug),
    models: rows.filter((model) => matches(model, query)),
  };
}

/** A search matches a model's slug or name, or a provider or upstream name of one of its routes. */
function matches(
  model: { slug: string; name: string; routes: { provider: string; upstreamModel: string }[] },
  query: string,
) {
  const needle = query.toLowerCase();
  return [model.slug, model.name, ...model.routes.flatMap((r) => [r.provider, r.upstreamModel])]
    .map((text) => text.toLowerCase())
    .some((text) => text.includes(needle));
}

export async function action({ request }: Route.ActionArgs) {
  const adminId = await requireAdminId(request);
  const formData = await readForm(request);
  const form = Object.fromEntries(formData);
  if (form.intent === "grant") return grant(formData, { id: adminId, request });
  if (form.intent === "alias") return saveAlias(formData, { id: adminId, request });
  if (form.intent === "alias-delete") return changeAlias(form, { id: adminId, request });
  // Prices and limits moved to each model's page (ADR 050).
  return data(
    { message: "Unknown action: change a model's prices and limits on its own page", id: null },
    { status: 400 },
  );
}

/** Credits for a user; what the form got wrong answers beside its field (`grant`), typed values kept. */
async function grant(form: FormData, admin: { id: string; request: Request }) {
  const submission = parseWithZod(form, { schema: GrantSchema });
  if (submission.status !== "success")
    return data({ message: null, id: null, grant: submission.reply() }, { status: 400 });
  const { email, credits, note, token } = submission.value;
  const prisma = getAccounts().prisma;
  const granted = await grantCredits(prisma, { adminId: admin.id, email, credits, note, token });
  if (!granted)
    return data(
      {
        message: null,
        id: null,
        grant: submission.reply({ fieldErrors: { email: [`No user has the email ${email}`] } }),
      },
      { status: 404 },
    );
  if (!granted.replayed)
    await audit(prisma, admin.request, {
      action: "credits_granted",
      actorId: admin.id,
      subject: granted.user.id,
      details: { micro: granted.amount.toString(), note },
    });
  return {
    message: granted.replayed
      ? "Already granted: this form was submitted before."
      : `Granted ${formatMoney(creditsToMicro(credits))} to ${granted.user.email}.`,
    id: null,
    grant: submission.reply({ resetForm: true }),
  };
}

/** An alias set: a bad, taken or unknown name answers beside its field (`alias`), typed values kept. */
async function saveAlias(form: FormData, admin: { id: string; request: Request }) {
  const submission = parseWithZod(form, { schema: AliasSchema });
  if (submission.status !== "success")
    return data({ message: null, id: null, alias: submission.reply() }, { status: 400 });
  const { name, model } = submission.value;
  try {
    const alias = await setAlias(getAccounts().prisma, name, model, admin);
    return {
      message: `${alias.name} now stands for ${alias.model}.`,
      id: null,
      alias: submission.reply({ resetForm: true }),
    };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    // The library says which field ("name: ..."): the form shows it there, without the prefix.
    const field = error.param === "name" || error.param === "model" ? error.param : "";
    const text = error.message.replace(/^(name|model): /, "");
    const reply = submission.reply({ fieldErrors: { [field]: [upperFirst(text)] } });
    return data({ message: null, id: null, alias: reply }, { status: error.status });
  }
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

async function changeAlias(form: Record<string, unknown>, admin: { id: string; request: Request }) {
  const prisma = getAccounts().prisma;
  try {
    const { name } = AliasDeleteSchema.parse(form);
    await deleteAlias(prisma, name, admin);
    return { message: `Removed the alias ${name}.`, id: null };
  } catch (error) {
    if (error instanceof GatewayError)
      return data({ message: error.message, id: null }, { status: error.status });
    throw error;
  }
}

export const meta: Route.MetaFunction = () => [{ title: "Admin: models · LLM Gateway" }];

export default function Admin({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Models and prices</h1>
        <p className="text-sm text-muted-foreground">
          Prices in US dollars per 1M tokens, limits in tokens. Edit a model to change them: new
          requests use the change on every instance at once.
        </p>
      </div>
      {actionData?.message ? (
        <p role="status" className="rounded-md border px-3 py-2 text-sm">
          {actionData.message}
        </p>
      ) : null}
      <ModelsTable models={loaderData.models} query={loaderData.query} />
      <section aria-labelledby="grant-credits" className="grid gap-2">
        <h2 id="grant-credits" className="text-lg font-semibold tracking-tight">
          Grant credits
        </h2>
        <GrantForm
          token={loaderData.grantToken}
          lastResult={actionData && "grant" in actionData ? actionData.grant : undefined}
        />
      </section>
      <section aria-labelledby="model-aliases" className="grid gap-2">
        <h2 id="model-aliases" className="text-lg font-semibold tracking-tight">
          Model aliases
        </h2>
        <p className="text-sm text-muted-foreground">
          One more name for a model (<code>default</code>, <code>fast</code>), accepted wherever a
          model is named and listed with the models. Keys that allow a model by an alias keep the
          model it stood for then.
        </p>
        {loaderData.aliases.length > 0 ? (
          <div tabIndex={0} className="overflow-x-auto rounded-lg border">
            <table className="max-sm:table-cards w-full text-sm" aria-label="Model aliases">
              <thead className="bg-muted text-left">
                <tr>
                  {["Alias", "Model", "OpenRouter id", ""].map((heading) => (
                    <th key={heading} className="px-3 py-2 font-medium">
                      {heading}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {loaderData.aliases.map((alias) => (
                  <tr key={alias.name} className="border-t">
                    <td className="px-3 py-2 font-mono text-xs">{alias.name}</td>
                    <td data-label="Model" className="px-3 py-2">
                      {alias.model}
                    </td>
                    <td data-label="OpenRouter id" className="px-3 py-2 font-mono text-xs">
                      {alias.openRouterId}
                    </td>
                    <td className="px-3 py-2">
                      <Form method="post">
                        <input type="hidden" name="intent" value="alias-delete" />
                        <input type="hidden" name="name" value={alias.name} />
                        <Button
                          type="submit"
                          size="sm"
                          variant="outline"
                          aria-label={`Remove the alias ${alias.name}`}
                        >
                          Remove
                        </Button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <AliasForm
          models={loaderData.modelSlugs}
          lastResult={actionData && "alias" in actionData ? actionData.alias : undefined}
        />
      </section>
      <div>
        <h2 className="text-lg font-semibold tracking-tight">Audit log</h2>
        <p className="text-sm text-muted-foreground">
          Sign-ins, keys, prices and credits: the latest {loaderData.auditEvents.length} events.
        </p>
      </div>
      <div tabIndex={0} className="overflow-x-auto rounded-lg border">
        <table className="max-sm:table-cards w-full text-sm" aria-label="Audit log">
          <thead className="bg-muted text-left">
            <tr>
              {["When", "Who", "What", "Subject", "From"].map((heading) => (
                <th key={heading} className="px-3 py-2 font-medium">
                  {heading}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {loaderData.auditEvents.map((event) => (
              <tr key={event.id} className="border-t">
                <td className="px-3 py-2 whitespace-nowrap">
                  {new Date(event.at).toLocaleString("en")}
                </td>
                <td data-label="Who" className="px-3 py-2">
                  {event.actor ?? "–"}
                </td>
                <td data-label="What" className="px-3 py-2">
                  {event.action.replaceAll("_", " ")}
                </td>
                <td data-label="Subject" className="px-3 py-2 font-mono text-xs">
                  {event.subject ?? "–"}
                </td>
                <td data-label="From" className="px-3 py-2 font-mono text-xs">
                  {event.ip}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

type ModelRow = Route.ComponentProps["loaderData"]["models"][number];

/** The catalog as a table: each model's routes with their prices, its limits, and a link to edit it. */
function ModelsTable({ models, query }: { models: ModelRow[]; query: string }) {
  return (
    <section aria-labelledby="models-heading" className="grid gap-2">
      <h2 id="models-heading" className="sr-only">
        Models
      </h2>
      {/* A plain GET: the search works without JavaScript and its address can be shared. */}
      <Form method="get" role="search" className="flex max-w-md gap-2">
        <Input
          type="search"
          name="q"
          defaultValue={query}
          aria-label="Search models"
          placeholder="Model, provider or upstream name"
        />
        <Button type="submit" variant="outline">
          Search
        </Button>
      </Form>
      {query ? (
        <p className="text-sm text-muted-foreground">
          {models.length} {models.length === 1 ? "model matches" : "models match"} “{query}”.{" "}
          <Link to="/dashboard/admin" className="underline">
            Show all
          </Link>
        </p>
      ) : null}
      <div className="rounded-lg border">
        <table className="max-lg:table-cards w-full text-sm" aria-label="Models">
          <thead className="bg-muted text-left">
            <tr>
              {[
                "Model",
                "Provider routes",
                "Input per 1M",
                "Cached per 1M",
                "Output per 1M",
                "Context",
                "Max output",
                "",
              ].map((heading) => (
                <th key={heading} className="px-3 py-2 font-medium">
                  {heading}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <tr key={model.slug} className="border-t align-top">
                <td className="px-3 py-2 font-medium break-all">{model.slug}</td>
                <td data-label="Provider routes" className="px-3 py-2">
                  <RouteLines
                    model={model}
                    show={(route) => (
                      <span className="break-all">
                        {route.provider} → {route.upstreamModel}{" "}
                        {route.enabled ? null : <Badge variant="outline">off</Badge>}
                      </span>
                    )}
                  />
                </td>
                {(["inputPrice", "cachedInputPrice", "outputPrice"] as const).map((field) => (
                  <td
                    key={field}
                    data-label={PRICE_LABELS[field]}
                    className="px-3 py-2 tabular-nums"
                  >
                    <RouteLines model={model} show={(route) => route[field]} />
                  </td>
                ))}
                <td data-label="Context" className="px-3 py-2 tabular-nums">
                  {model.contextLength.toLocaleString("en")}
                </td>
                <td data-label="Max output" className="px-3 py-2 tabular-nums">
                  {model.maxOutputTokens.toLocaleString("en")}
                </td>
                <td className="px-3 py-2">
                  <Button asChild size="sm" variant="outline">
                    <Link
                      to={`/dashboard/admin/models/${encodeURIComponent(model.slug)}`}
                      aria-label={`Edit ${model.slug}`}
                    >
                      Edit
                    </Link>
                  </Button>
                </td>
              </tr>
            ))}
            {models.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-4 text-muted-foreground">
                  No model matches.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** One line per route of a model, the same order in every column; "–" for a model no provider serves. */
function RouteLines({
  model,
  show,
}: {
  model: ModelRow;
  show: (route: ModelRow["routes"][number]) => ReactNode;
}) {
  if (model.routes.length === 0) return <span className="text-muted-foreground">–</span>;
  return (
    <ul className="grid gap-1">
      {model.routes.map((route) => (
        <li key={route.id}>{show(route)}</li>
      ))}
    </ul>
  );
}

// The price columns' names, for each cell's label on a phone.
const PRICE_LABELS = {
  inputPrice: "Input per 1M",
  cachedInputPrice: "Cached input per 1M",
  outputPrice: "Output per 1M",
};

/** Credits for a user by email, with the reason the audit log shows. */
function GrantForm({
  token,
  lastResult,
}: {
  token: string;
  lastResult?: SubmissionResult<string[]>;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    // Not "grant": its credits field would share its id with the section's heading.
    id: "grant-form",
    lastResult: navigation.state === "idle" ? lastResult : undefined,
    constraint: getZodConstraint(GrantSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: GrantSchema }),
    shouldRevalidate: "onInput",
  });
  return (
    <Form
      method="post"
      className="grid gap-3 max-w-3xl sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,2fr)_auto] sm:items-start"
      {...getFormProps(form)}
    >
      <div className="empty:hidden sm:col-span-4">
        <FormErrors errors={form.errors} />
      </div>
      <input type="hidden" name="intent" value="grant" />
      <input type="hidden" name="token" value={token} />
      <FormField
        label="User's email"
        errors={fields.email.errors}
        inputProps={getInputProps(fields.email, { type: "email" })}
      />
      <FormField
        label="Credits"
        errors={fields.credits.errors}
        inputProps={getInputProps(fields.credits, { type: "number" })}
      />
      <FormField
        label="Why"
        errors={fields.note.errors}
        inputProps={getInputProps(fields.note, { type: "text" })}
      />
      <Button type="submit" variant="outline" className="justify-self-start sm:mt-5">
        Grant
      </Button>
    </Form>
  );
}

/** One more name for a model; the model field suggests the catalog's slugs. */
function AliasForm({
  models,
  lastResult,
}: {
  models: string[];
  lastResult?: SubmissionResult<string[]>;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "alias-form",
    lastResult: navigation.state === "idle" ? lastResult : undefined,
    constraint: getZodConstraint(AliasSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AliasSchema }),
    shouldRevalidate: "onInput",
  });
  return (
    <Form
      method="post"
      className="grid gap-3 max-w-xl sm:grid-cols-[minmax(0,2fr)_minmax(0,3fr)_auto] sm:items-start"
      {...getFormProps(form)}
    >
      <div className="empty:hidden sm:col-span-3">
        <FormErrors errors={form.errors} />
      </div>
      <input type="hidden" name="intent" value="alias" />
      <FormField
        label="Alias"
        errors={fields.name.errors}
        inputProps={{ ...getInputProps(fields.name, { type: "text" }), placeholder: "fast" }}
      />
      <FormField
        label="Model"
        errors={fields.model.errors}
        inputProps={{
          ...getInputProps(fields.model, { type: "text" }),
          list: "alias-models",
          placeholder: "gpt-6.2-sol",
        }}
      />
      <datalist id="alias-models">
        {models.map((slug) => (
          <option key={slug} value={slug} />
        ))}
      </datalist>
      <Button type="submit" variant="outline" className="justify-self-start sm:mt-5">
        Save alias
      </Button>
    </Form>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
