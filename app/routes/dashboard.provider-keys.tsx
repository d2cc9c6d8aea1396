import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { data, Form, useNavigation } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { listOwnProviderKeys } from "#app/accounts/own-provider-keys/own-provider-keys.server.ts";
import {
  removeOwnKey,
  saveOwnKey,
} from "#app/accounts/own-provider-keys/own-key-changes.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { OwnKeyActionSchema } from "#app/accounts/own-provider-keys/own-provider-key-fields.ts";
import { GeneralErrorBoundary } from "#app/components/general-error-boundary.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button } from "#app/components/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { Input } from "#app/components/ui/input.tsx";
import { parseEnv } from "#app/config/env.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import type { Route } from "./+types/dashboard.provider-keys";

// Bring your own key (ADR 027): the user's own key per provider, used first for
// their requests, which then cost only the BYOK fee.

export async function loader({ request }: Route.LoaderArgs) {
  const { accountId } = await requirePageScope(request, "providerKeys");
  const providers = await listOwnProviderKeys(getAccounts().prisma, accountId);
  return {
    feePercent: parseEnv(process.env).BYOK_FEE_PERCENT,
    providers: providers.map(({ slug, name, key }) => ({
      slug,
      name,
      key: key && {
        prefix: key.prefix,
        fallback: key.fallback,
        refused: key.invalidAt !== null,
        lastError: key.lastError,
      },
    })),
  };
}

export async function action({ request }: Route.ActionArgs) {
  const { accountId, userId } = await requirePageScope(request, "providerKeys");
  const submission = parseWithZod(await readForm(request), { schema: OwnKeyActionSchema });
  if (submission.status !== "success") {
    const provider = submission.payload.provider;
    // A key: back to its provider's row, beside the field; a secret is never sent back.
    if (submission.payload.intent === "save" && typeof provider === "string")
      return data(
        { provider, result: submission.reply({ hideFields: ["apiKey"] }) },
        { status: 400 },
      );
    // Removing asks for a ticked box the browser requires: only a hand-made request lands here.
    const problems = Object.values(submission.error ?? {})
      .flat()
      .join(" ");
    throw data(`Not removed: ${problems}`, { status: 400 });
  }
  const input = submission.value;
  const actor = { prisma: getAccounts().prisma, request, accountId, userId };
  if (input.intent === "remove") {
    if (!(await removeOwnKey(actor, input.provider)))
      throw data("You have no key for this provider", { status: 404 });
    return redirectWithToast(
      "/dashboard/provider-keys",
      "Key removed: the gateway's keys serve you again.",
    );
  }
  const { box } = await getGateway();
  const saved = await saveOwnKey(actor, box, {
    provider: input.provider,
    apiKey: input.apiKey,
    fallback: input.fallback === "on",
  });
  if (saved !== "saved") throw data("No such provider", { status: 404 });
  return redirectWithToast(
    "/dashboard/provider-keys",
    "Key saved: your requests to this provider use it from now on.",
  );
}

export const meta: Route.MetaFunction = () => [{ title: "Provider keys · LLM Gateway" }];

export default function ProviderKeys({ loaderData, actionData }: Route.ComponentProps) {
  const { feePercent, providers } = loaderData;
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Your provider keys</h1>
      <Card>
        <CardHeader>
          <CardTitle>Bring your own key</CardTitle>
          <CardDescription>
            Your requests to a provider you give a key for use it first, and the provider bills you
            directly: the gateway charges{" "}
            {feePercent === 0 ? "nothing" : `a fee of ${feePercent}% of its price`} for them. Keys
            are stored encrypted and never shown again. With “fall back”, the gateway’s own keys
            take over when yours fails (429, outage), at the gateway’s price.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {providers.length === 0 ? (
            <p className="text-muted-foreground">No provider is enabled on this gateway.</p>
          ) : (
            <div tabIndex={0} className="overflow-x-auto">
              <table className="max-sm:table-cards w-full text-sm" aria-label="Provider keys">
                <thead className="text-left">
                  <tr>
                    <th className="px-3 py-2 font-medium">Provider</th>
                    <th className="px-3 py-2 font-medium">Your key</th>
                    <th className="px-3 py-2 font-medium">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {providers.map((provider) => (
                    <tr key={provider.slug} className="border-t align-top">
                      <td className="px-3 py-2">
                        {provider.name}{" "}
                        <span className="text-muted-foreground">({provider.slug})</span>
                      </td>
                      <td data-label="Your key" className="px-3 py-2">
                        {provider.key ? (
                          <>
                            <span className="font-mono">{provider.key.prefix}…</span>{" "}
                            {provider.key.fallback ? (
                              <Badge variant="outline">falls back</Badge>
                            ) : null}{" "}
                            {provider.key.refused ? (
                              <Badge
                                variant="outline"
                                className="border-destructive text-destructive"
                                title={provider.key.lastError ?? undefined}
                              >
                                refused by the provider
                              </Badge>
                            ) : null}
                          </>
                        ) : (
                          <span className="text-muted-foreground">none</span>
                        )}
                      </td>
                      <td className="grid gap-2 px-3 py-2">
                        <SaveKeyForm
                          provider={provider}
                          lastResult={
                            actionData?.provider === provider.slug ? actionData.result : undefined
                          }
                        />
                        {provider.key ? (
                          <Form method="post" className="flex items-center gap-2">
                            <input type="hidden" name="intent" value="remove" />
                            <input type="hidden" name="provider" value={provider.slug} />
                            <label className="flex items-center gap-1 text-xs text-muted-foreground">
                              <input
                                type="checkbox"
                                name="confirm"
                                value="yes"
                                required
                                aria-label={`Confirm removing your ${provider.name} key`}
                              />{" "}
                              sure
                            </label>
                            <Button type="submit" size="sm" variant="destructive">
                              Remove
                            </Button>
                          </Form>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

/** One provider's key: saved or replaced; a refused one answers beside its field. */
function SaveKeyForm({
  provider,
  lastResult,
}: {
  provider: { slug: string; name: string; key: { fallback: boolean } | null };
  lastResult?: SubmissionResult<string[]>;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: `own-key-${provider.slug}`,
    lastResult: navigation.state === "idle" ? lastResult : undefined,
    constraint: getZodConstraint(OwnKeyActionSchema.options[0]),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OwnKeyActionSchema }),
    shouldRevalidate: "onInput",
  });
  const errors = fields.apiKey.errors;
  return (
    <Form method="post" className="grid gap-1" {...getFormProps(form)}>
      <div className="flex flex-wrap items-center gap-2">
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="provider" value={provider.slug} />
        <Input
          {...getInputProps(fields.apiKey, { type: "password" })}
          autoComplete="off"
          className="w-56"
          placeholder={provider.key ? "a new key" : "your key"}
          aria-label={`Your ${provider.name} key`}
        />
        <label className="flex items-center gap-1 text-xs">
          <input type="checkbox" name="fallback" defaultChecked={provider.key?.fallback ?? false} />
          fall back
        </label>
        <Button type="submit" size="sm" variant="outline">
          {provider.key ? "Replace" : "Save"}
        </Button>
      </div>
      {errors?.length || form.errors?.length ? (
        <p id={fields.apiKey.errorId} className="text-sm text-destructive">
          {[...(errors ?? []), ...(form.errors ?? [])].join(" ")}
        </p>
      ) : null}
    </Form>
  );
}

// A failed action or loader shows its message inside the dashboard layout.
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
