import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { data, Form, useNavigation } from "react-router";
import { z } from "zod";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { creditsToMicro, formatMoney, microToUsd, usdToMicro } from "#app/utils/money.ts";
import type { Route } from "./+types/dashboard.admin";
import { readForm } from "#app/http/read-form.server.ts";
import { audit, recentAuditEvents } from "#app/accounts/audit-log.server.ts";
import { describeZodError } from "#app/http/zod-issue.ts";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { updateModel } from "#app/admin/models.server.ts";
import { GatewayError } from "#app/http/gateway-error.ts";
import { grantCredits } from "#app/accounts/grants.server.ts";
import { randomUUID } from "node:crypto";
import { deleteAlias, listAliases, setAlias } from "#app/admin/model-aliases.server.ts";

// Prices are edited in US dollars per 1M tokens and stored exactly as µcr.
// Saving fires the catalog trigger, so every gateway instance reloads its
// catalog and new requests use the new prices at once.

const price = z
  .string()
  .trim()
  .regex(
    /^\d{1,7}(\.\d{1,8})?$/,
    "Enter dollars per 1M tokens (at most 9999999.99999999), e.g. 2.50",
  )
  .transform((value) => usdToMicro(value));

const MappingUpdateSchema = z.object({
  id: z.coerce.number().int().positive().max(2_147_483_647),
  inputPrice: price,
  cachedInputPrice: price,
  outputPrice: price,
  enabled: z.enum(["on"]).optional(),
});

// A model's limits, from its own row of the limits table.
const ModelLimitsSchema = z.object({
  intent: z.literal("limits"),
  slug: z.string().max(200),
  contextLength: z.coerce.number().int("Enter whole tokens").min(1).max(100_000_000),
  maxOutputTokens: z.coerce.number().int("Enter whole tokens").min(1).max(10_000_000),
});

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
  const auditEvents = await recentAuditEvents(prisma);
  const aliases = await listAliases(prisma);
  const models = await prisma.model.findMany({
    orderBy: { slug: "asc" },
    select: { slug: true, contextLength: true, maxOutputTokens: true },
  });
  const mappings = await prisma.modelProviderMapping.findMany({
    orderBy: [{ model: { slug: "asc" } }, { priority: "asc" }],
    include: { model: { select: { slug: true } }, provider: { select: { slug: true } } },
  });
  return {
    auditEvents,
    aliases,
    // A fresh token per page view: a double submit grants once.
    grantToken: randomUUID(),
    models,
    mappings: mappings.map((mapping) => ({
      id: mapping.id,
      model: mapping.model.slug,
      provider: mapping.provider.slug,
      upstreamModel: mapping.upstreamModel,
      enabled: mapping.enabled,
      inputPrice: microToUsd(mapping.inputPrice),
      cachedInputPrice: microToUsd(mapping.cachedInputPrice),
      outputPrice: microToUsd(mapping.outputPrice),
    })),
  };
}

export async function action({ request }: Route.ActionArgs) {
  const adminId = await requireAdminId(request);
  const formData = await readForm(request);
  const form = Object.fromEntries(formData);
  if (form.intent === "limits") return saveLimits(form, { id: adminId, request });
  if (form.intent === "grant") return grant(formData, { id: adminId, request });
  if (form.intent === "alias") return saveAlias(formData, { id: adminId, request });
  if (form.intent === "alias-delete") return changeAlias(form, { id: adminId, request });
  const parsed = MappingUpdateSchema.safeParse(form);
  if (!parsed.success) {
    return data({ message: describeZodError(parsed.error).message, id: null }, { status: 400 });
  }
  const { id, enabled, ...prices } = parsed.data;
  const { count } = await getAccounts().prisma.modelProviderMapping.updateMany({
    where: { id },
    data: { ...prices, enabled: enabled === "on" },
  });
  if (count === 0) throw data("No such mapping", { status: 404 });
  await audit(getAccounts().prisma, request, {
    action: "price_changed",
    actorId: adminId,
    subject: String(id),
    details: {
      inputPrice: prices.inputPrice.toString(),
      cachedInputPrice: prices.cachedInputPrice.toString(),
      outputPrice: prices.outputPrice.toString(),
      enabled: enabled === "on",
    },
  });
  return { message: "Saved. New requests use these prices now.", id };
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

async function saveLimits(form: Record<string, unknown>, admin: { id: string; request: Request }) {
  const parsed = ModelLimitsSchema.safeParse(form);
  if (!parsed.success)
    return data({ message: describeZodError(parsed.error).message, id: null }, { status: 400 });
  const { slug, contextLength, maxOutputTokens } = parsed.data;
  try {
    await updateModel(getAccounts().prisma, slug, { contextLength, maxOutputTokens }, admin);
  } catch (error) {
    if (error instanceof GatewayError)
      return data({ message: error.message, id: null }, { status: error.status });
    throw error;
  }
  return { message: `Saved ${slug}'s limits. New requests use them now.`, id: null };
}

export const meta: Route.MetaFunction = () => [{ title: "Admin: models · LLM Gateway" }];

export default function Admin({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Models and prices</h1>
        <p className="text-sm text-muted-foreground">
          US dollars per 1M tokens. Changes apply to new requests on every instance at once.
        </p>
      </div>
      {actionData?.message ? (
        <p role="status" className="rounded-md border px-3 py-2 text-sm">
          {actionData.message}
        </p>
      ) : null}
      <div tabIndex={0} className="overflow-x-auto rounded-lg border">
        <table className="max-lg:table-cards w-full text-sm" aria-label="Model mappings">
          <thead className="bg-muted text-left">
            <tr>
              {["Model", "Provider", "Input", "Cached input", "Output", "Enabled", ""].map(
                (heading) => (
                  <th key={heading} className="px-3 py-2 font-medium">
                    {heading}
                  </th>
                ),
              )}
            </tr>
          </thead>
          <tbody>
            {loaderData.mappings.map((mapping) => (
              <tr key={mapping.id} className="border-t">
                <td className="px-3 py-2">
                  {mapping.model} {mapping.enabled ? null : <Badge variant="outline">off</Badge>}
                </td>
                <td data-label="Provider" className="px-3 py-2">
                  {mapping.provider}
                </td>
                {(["inputPrice", "cachedInputPrice", "outputPrice"] as const).map((field) => (
                  <td key={field} data-label={PRICE_LABELS[field]} className="px-3 py-2">
                    <Input
                      form={`mapping-${mapping.id}`}
                      name={field}
                      defaultValue={mapping[field]}
                      inputMode="decimal"
                      aria-label={`${field.replace("Price", "")} price of ${mapping.model} on ${mapping.provider}`}
                      className="w-28"
                    />
                  </td>
                ))}
                <td data-label="Enabled" className="px-3 py-2">
                  <input
                    form={`mapping-${mapping.id}`}
                    type="checkbox"
                    name="enabled"
                    defaultChecked={mapping.enabled}
                    aria-label={`${mapping.model} on ${mapping.provider} enabled`}
                  />
                </td>
                <td className="px-3 py-2">
                  <Form method="post" id={`mapping-${mapping.id}`}>
                    <input type="hidden" name="id" value={mapping.id} />
                    <Button type="submit" size="sm" variant="outline">
                      Save
                    </Button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="grant-credits" className="grid gap-2">
        <h2 id="grant-credits" className="text-lg font-semibold tracking-tight">
          Grant credits
        </h2>
        <GrantForm
          token={loaderData.grantToken}
          lastResult={actionData && "grant" in actionData ? actionData.grant : undefined}
        />
      </section>
      <div>
        <h2 className="text-lg font-semibold tracking-tight">Model limits</h2>
        <p className="text-sm text-muted-foreground">
          Tokens. Imported models start at 128k context and 8k output: set what the provider
          documents.
        </p>
      </div>
      <div tabIndex={0} className="overflow-x-auto rounded-lg border">
        <table className="max-sm:table-cards w-full text-sm" aria-label="Model limits">
          <thead className="bg-muted text-left">
            <tr>
              {["Model", "Context", "Max output", ""].map((heading) => (
                <th key={heading} className="px-3 py-2 font-medium">
                  {heading}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {loaderData.models.map((model) => (
              <tr key={model.slug} className="border-t">
                <td className="px-3 py-2">{model.slug}</td>
                {(["contextLength", "maxOutputTokens"] as const).map((field) => (
                  <td
                    key={field}
                    data-label={field === "contextLength" ? "Context" : "Max output"}
                    className="px-3 py-2"
                  >
                    <Input
                      form={`limits-${model.slug}`}
                      name={field}
                      type="number"
                      min={1}
                      defaultValue={model[field]}
                      aria-label={`${field === "contextLength" ? "Context length" : "Max output tokens"} of ${model.slug}`}
                      className="w-32"
                    />
                  </td>
                ))}
                <td className="px-3 py-2">
                  <Form method="post" id={`limits-${model.slug}`}>
                    <input type="hidden" name="intent" value="limits" />
                    <input type="hidden" name="slug" value={model.slug} />
                    <Button type="submit" size="sm" variant="outline">
                      Save
                    </Button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
          models={loaderData.models.map((model) => model.slug)}
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

// The price columns' names, for each cell's label on a phone.
const PRICE_LABELS = {
  inputPrice: "Input",
  cachedInputPrice: "Cached input",
  outputPrice: "Output",
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
