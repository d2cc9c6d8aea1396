import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { publicOrigin } from "#app/http/request-origin.server.ts";
import { CopyButton } from "#app/components/copy-button.tsx";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { data, Form, Link, useNavigation } from "react-router";
import { z } from "zod";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import {
  keyScopeOf,
  listApiKeys,
  periodLimitRule,
} from "#app/accounts/api-keys/api-keys.server.ts";
import { changeKey, createKey, revokeKey } from "#app/accounts/api-keys/key-changes.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { can, roleCan } from "#app/accounts/account-scope.server.ts";
import { KeyRulesLoosenedError } from "#app/accounts/api-keys/key-rule-loosening.ts";
import { FormErrors, FormField } from "#app/components/form-field.tsx";
import { PeriodSelect } from "#app/components/key-rules-form.tsx";
import { CreateKeySchema, modelList } from "#app/accounts/api-keys/key-rule-fields.ts";
import { UnknownModelsError } from "#app/accounts/allowed-models.server.ts";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { formatMoney } from "#app/utils/money.ts";
import { periodAdjective, spentThisPeriod, type LimitPeriod } from "#app/billing/limit-period.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import type { Route } from "./+types/dashboard.keys";
import { readForm } from "#app/http/read-form.server.ts";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";

const KeyActionSchema = z.discriminatedUnion("intent", [
  CreateKeySchema,
  z.object({ intent: z.literal("toggle"), id: z.uuid(), enabled: z.enum(["true", "false"]) }),
  z.object({ intent: z.literal("content"), id: z.uuid(), logContent: z.enum(["true", "false"]) }),
  z.object({
    intent: z.literal("delete"),
    id: z.uuid(),
    confirm: z.literal("yes", { error: "Tick the box to confirm" }),
  }),
]);

export async function loader({ request }: Route.LoaderArgs) {
  const scope = await requirePageScope(request, "ownKeys");
  const { prisma } = getAccounts();
  const keys = await listApiKeys(prisma, keyScopeOf(scope));
  // A team's key spends only while its maker may (ADR 033): say so where it stops.
  const roles = scope.team
    ? new Map(
        (
          await prisma.teamMember.findMany({
            where: { teamId: scope.accountId },
            select: { userId: true, role: true },
          })
        ).map((member) => [member.userId, member.role]),
      )
    : null;
  const refusedBecause = (creatorId: string) => {
    const role = roles?.get(creatorId);
    if (!roles || (role && roleCan(role, "spend"))) return null;
    return role
      ? `refused: its maker is a ${role.toLowerCase()}`
      : "refused: its maker left the team";
  };
  return {
    // Where the new key's card says to point SDKs.
    baseUrl: `${publicOrigin(request)}/v1`,
    // In a team, whose each key is (admins see everyone's).
    showCreator: scope.team !== null,
    // A team member makes their keys stricter only (issue #21): the page offers no loosening.
    mayLoosen: can(scope, "allKeys"),
    keys: keys.map((key) => ({
      id: key.id,
      name: key.name,
      createdBy: key.createdBy.email,
      refused: refusedBecause(key.createdBy.id),
      prefix: key.prefix,
      enabled: key.enabled,
      logContent: key.logContent,
      spent: formatMoney(key.spent),
      creditLimit: key.creditLimit === null ? null : formatMoney(key.creditLimit),
      periodLimit:
        key.periodLimit === null
          ? null
          : `${formatMoney(spentThisPeriod(key))} of ${formatMoney(key.periodLimit)} ${
              key.limitPeriod === "day" ? "today" : "this month"
            }`,
      rules: describeRules(key),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      createdAt: key.createdAt.toISOString(),
    })),
  };
}

export async function action({ request }: Route.ActionArgs) {
  const scope = await requirePageScope(request, "ownKeys");
  const actor = { prisma: getAccounts().prisma, request, scope };
  const submission = parseWithZod(await readForm(request), { schema: KeyActionSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), secret: null }, { status: 400 });
  }
  const input = submission.value;
  if (input.intent === "create") {
    try {
      const { secret } = await createKey(actor, {
        name: input.name,
        creditLimitCredits: input.creditLimit,
        expiresAt: input.expiresOn ? new Date(`${input.expiresOn}T00:00:00Z`) : null,
        allowedModels: modelList(input.allowedModels),
        rpmLimit: input.rpmLimit,
        tpmLimit: input.tpmLimit,
        periodLimit: periodLimitRule(input.periodLimit, input.limitPeriod),
      });
      return { result: submission.reply({ resetForm: true }), secret, name: input.name };
    } catch (error) {
      if (!(error instanceof UnknownModelsError)) throw error;
      const fieldErrors = { [error.field]: [error.message] };
      return data({ result: submission.reply({ fieldErrors }), secret: null }, { status: 400 });
    }
  }
  const { change, message } = describeChange(input);
  const done = change
    ? await changeKey(actor, input.id, change).catch(refused("Not changed"))
    : await revokeKey(actor, input.id);
  if (!done) throw data("No such API key", { status: 404 });
  return redirectWithToast("/dashboard/keys", message);
}

/** A member loosening their key's rules (issue #21): a 403 page naming each rule. */
const refused =
  (what: string) =>
  (error: unknown): never => {
    if (error instanceof KeyRulesLoosenedError)
      throw data(`${what}: ${error.message}`, { status: 403 });
    throw error;
  };

/** A key's rules in a few words, for its row: "expires 2027-01-31 · gpt-4o · 60 req/min". */
function describeRules(key: {
  expiresAt: Date | null;
  allowedModels: string[];
  rpmLimit: number | null;
  tpmLimit: number | null;
  periodLimit: bigint | null;
  limitPeriod: string | null;
}) {
  const rules = [
    key.expiresAt ? `expires ${key.expiresAt.toISOString().slice(0, 10)}` : null,
    key.allowedModels.length > 0 ? key.allowedModels.join(", ") : null,
    key.rpmLimit === null ? null : `${key.rpmLimit} req/min`,
    key.tpmLimit === null ? null : `${key.tpmLimit} tokens/min`,
    key.periodLimit === null
      ? null
      : `${formatMoney(key.periodLimit)} ${periodAdjective(key.limitPeriod as LimitPeriod)}`,
  ].filter((rule) => rule !== null);
  return rules.length > 0 ? rules.join(" · ") : null;
}

type KeyChange = Exclude<z.infer<typeof KeyActionSchema>, { intent: "create" }>;

/** What a change to a key writes (null: delete it) and its toast (key-changes audits it). */
function describeChange(input: KeyChange) {
  if (input.intent === "delete") return { change: null, message: "Key deleted." } as const;
  if (input.intent === "toggle")
    return input.enabled === "true"
      ? ({ change: { enabled: true }, message: "Key enabled." } as const)
      : ({
          change: { enabled: false },
          message: "Key disabled: the gateway refuses it from now on.",
        } as const);
  return input.logContent === "true"
    ? ({
        change: { logContent: true },
        message: "The prompts and answers of this key are stored from now on.",
      } as const)
    : ({
        change: { logContent: false },
        message: "The prompts and answers of this key are no longer stored.",
      } as const);
}

export const meta: Route.MetaFunction = () => [{ title: "API keys · LLM Gateway" }];

export default function Keys({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "create-key",
    // Reset after a key is made: back to these, not to blank fields.
    defaultValue: { limitPeriod: "month" },
    lastResult: navigation.state === "idle" ? actionData?.result : undefined,
    constraint: getZodConstraint(CreateKeySchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: KeyActionSchema }),
    shouldRevalidate: "onInput",
  });
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
      {actionData?.secret ? (
        <Card className="border-primary">
          <CardHeader>
            <CardTitle>Your new key “{"name" in actionData ? actionData.name : ""}”</CardTitle>
            <CardDescription>Copy it now: it is shown this once and never again.</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-wrap items-center gap-3">
            <code
              data-testid="new-secret"
              className="rounded-md bg-secondary px-3 py-2 font-mono text-sm break-all"
            >
              {actionData.secret}
            </code>
            <CopyButton text={actionData.secret ?? ""} />
            <p className="w-full text-sm text-muted-foreground">
              Use it as the API key of any OpenAI SDK with the base URL{" "}
              <code data-testid="base-url" className="break-all text-foreground">
                {loaderData.baseUrl}
              </code>{" "}
              (Anthropic SDKs: the same without <code>/v1</code>). The{" "}
              <Link to="/dashboard" className="underline underline-offset-4">
                overview
              </Link>{" "}
              has programs to paste that stream an answer with it.
            </p>
          </CardContent>
        </Card>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>Create a key</CardTitle>
          <CardDescription>
            Everything but the name is optional: a credit limit caps what the key may ever spend, a
            daily or monthly one what it spends per UTC day or month; it may expire, be kept to some
            models, and be limited per minute.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <Form
            method="post"
            className="grid gap-4 sm:grid-cols-3 sm:items-end"
            {...getFormProps(form)}
          >
            <input type="hidden" name="intent" value="create" />
            <FormErrors errors={form.errors} />
            <FormField
              label="Name"
              errors={fields.name.errors}
              inputProps={{
                ...getInputProps(fields.name, { type: "text" }),
                placeholder: "laptop",
              }}
            />
            <FormField
              label="Credit limit (optional)"
              errors={fields.creditLimit.errors}
              inputProps={{ ...getInputProps(fields.creditLimit, { type: "number" }), min: 1 }}
            />
            <FormField
              label="Expires on (optional)"
              errors={fields.expiresOn.errors}
              inputProps={getInputProps(fields.expiresOn, { type: "date" })}
            />
            <FormField
              label="Only these models (optional)"
              errors={fields.allowedModels.errors}
              inputProps={{
                ...getInputProps(fields.allowedModels, { type: "text" }),
                placeholder: "gpt-4o-mini, claude-haiku-4-5",
              }}
            />
            <FormField
              label="Requests per minute (optional)"
              errors={fields.rpmLimit.errors}
              inputProps={{ ...getInputProps(fields.rpmLimit, { type: "number" }), min: 1 }}
            />
            <FormField
              label="Tokens per minute (optional)"
              errors={fields.tpmLimit.errors}
              inputProps={{ ...getInputProps(fields.tpmLimit, { type: "number" }), min: 1 }}
            />
            <FormField
              label="Credits per period (optional)"
              errors={fields.periodLimit.errors}
              inputProps={{ ...getInputProps(fields.periodLimit, { type: "number" }), min: 1 }}
            />
            <PeriodSelect label="Period" field={fields.limitPeriod} />
            <Button type="submit" disabled={navigation.state === "submitting"}>
              {navigation.state === "submitting" ? "Creating…" : "Create key"}
            </Button>
          </Form>
        </CardContent>
      </Card>
      {loaderData.keys.length === 0 ? (
        <p className="rounded-lg border border-dashed p-8 text-center text-muted-foreground">
          No keys yet. Create one to call the gateway.
        </p>
      ) : (
        <div tabIndex={0} className="overflow-x-auto rounded-lg border">
          <table className="max-md:table-cards w-full text-sm" aria-label="API keys">
            <thead className="bg-muted text-left">
              <tr>
                <th className="px-3 py-2 font-medium">Name</th>
                <th className="px-3 py-2 font-medium">Key</th>
                <th className="px-3 py-2 font-medium">Spent</th>
                <th className="px-3 py-2 font-medium">Limit</th>
                <th className="px-3 py-2 font-medium">Rules</th>
                <th className="px-3 py-2 font-medium">Last used</th>
                <th className="px-3 py-2 font-medium">Created</th>
                <th className="px-3 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaderData.keys.map((key) => (
                <tr key={key.id} className="border-t">
                  <td className="px-3 py-2">
                    <Link
                      to={`/dashboard/keys/${key.id}`}
                      className="font-medium underline underline-offset-4"
                    >
                      {key.name}
                    </Link>{" "}
                    {key.enabled ? null : <Badge variant="outline">disabled</Badge>}{" "}
                    {key.refused ? <Badge variant="outline">{key.refused}</Badge> : null}{" "}
                    {key.logContent ? <Badge variant="outline">logs content</Badge> : null}
                    {loaderData.showCreator ? (
                      <div className="text-xs text-muted-foreground">by {key.createdBy}</div>
                    ) : null}
                  </td>
                  <td data-label="Key" className="px-3 py-2 font-mono">
                    {key.prefix}…
                  </td>
                  <td data-label="Spent" className="px-3 py-2">
                    {key.spent}
                  </td>
                  <td data-label="Limit" className="px-3 py-2">
                    {key.creditLimit ?? (key.periodLimit ? null : "none")}
                    {key.periodLimit ? <div>{key.periodLimit}</div> : null}
                  </td>
                  <td data-label="Rules" className="px-3 py-2">
                    {key.rules ?? "none"}{" "}
                    <Link
                      to={`/dashboard/keys/${key.id}#rules`}
                      className="whitespace-nowrap underline underline-offset-4"
                      aria-label={`Change the limits of ${key.name}`}
                    >
                      Change
                    </Link>
                  </td>
                  <td data-label="Last used" className="px-3 py-2">
                    {key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString("en") : "never"}
                  </td>
                  <td data-label="Created" className="px-3 py-2">
                    {new Date(key.createdAt).toLocaleDateString("en")}
                  </td>
                  <td className="flex flex-wrap justify-end gap-2 px-3 py-2">
                    {key.enabled || loaderData.mayLoosen ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="toggle" />
                        <input type="hidden" name="id" value={key.id} />
                        <input
                          type="hidden"
                          name="enabled"
                          value={key.enabled ? "false" : "true"}
                        />
                        <Button type="submit" variant="outline" size="sm">
                          {key.enabled ? "Disable" : "Enable"}
                        </Button>
                      </Form>
                    ) : (
                      <span className="text-xs text-muted-foreground">
                        An owner or admin can enable it again.
                      </span>
                    )}
                    {key.logContent && !loaderData.mayLoosen ? null : (
                      <Form method="post">
                        <input type="hidden" name="intent" value="content" />
                        <input type="hidden" name="id" value={key.id} />
                        <input
                          type="hidden"
                          name="logContent"
                          value={key.logContent ? "false" : "true"}
                        />
                        <Button
                          type="submit"
                          variant="outline"
                          size="sm"
                          title="Store this key's prompts and answers with its usage (erased after the retention period)"
                        >
                          {key.logContent ? "Stop logging content" : "Log content"}
                        </Button>
                      </Form>
                    )}
                    <Form method="post" className="flex items-center gap-2">
                      <input type="hidden" name="intent" value="delete" />
                      <input type="hidden" name="id" value={key.id} />
                      <label className="flex items-center gap-1 text-xs text-muted-foreground">
                        <input
                          type="checkbox"
                          name="confirm"
                          value="yes"
                          required
                          aria-label={`Confirm deleting ${key.name}`}
                        />{" "}
                        sure
                      </label>
                      <Button type="submit" variant="destructive" size="sm">
                        Delete
                      </Button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
