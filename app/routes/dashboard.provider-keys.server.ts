import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { OwnKeyActionSchema } from "#app/accounts/own-provider-keys/own-provider-key-fields.ts";
import {
  listOwnProviderKeys,
  shownOwnKey,
} from "#app/accounts/own-provider-keys/own-provider-keys.server.ts";
import {
  removeOwnKey,
  saveOwnKey,
} from "#app/accounts/own-provider-keys/own-key-changes.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { parseEnv } from "#app/config/env.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";

// The Provider keys page's loader and action (the page is dashboard.provider-keys.tsx).

export async function loadProviderKeysPage(request: Request) {
  const { accountId } = await requirePageScope(request, "providerKeys");
  const providers = await listOwnProviderKeys(getAccounts().prisma, accountId);
  return {
    feePercent: parseEnv(process.env).BYOK_FEE_PERCENT,
    providers: providers.map(({ slug, name, key }) => ({
      slug,
      name,
      key: key && shownOwnKey(key),
    })),
  };
}

export async function providerKeysPageAction(request: Request) {
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
