import { parseWithZod } from "@conform-to/zod/v4";
import { data } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import { modelEditPage, saveModel } from "#app/admin/model-edit.server.ts";
import { ModelEditSchema } from "#app/admin/model-fields.ts";
import { GatewayError } from "#app/http/gateway-error.ts";
import { readForm } from "#app/http/read-form.server.ts";

// One model's page for admins: its limits and route prices, read and saved
// (ADR 050). No such model is the page's 404.

/** What the library throws for no such model, as this page's 404. */
async function orNotFound<T>(slug: string, read: () => Promise<T>) {
  try {
    return await read();
  } catch (error) {
    if (error instanceof GatewayError && error.status === 404)
      throw data(`No model '${slug}'`, { status: 404 });
    throw error;
  }
}

export async function modelPage(request: Request, slug: string) {
  await requireAdminId(request);
  return orNotFound(slug, () => modelEditPage(getAccounts().prisma, slug));
}

/** Saves the limits and prices together; a bad value answers beside its field. */
export async function saveModelAction(request: Request, slug: string) {
  const admin = { id: await requireAdminId(request), request };
  await orNotFound(slug, () => modelEditPage(getAccounts().prisma, slug));
  const submission = parseWithZod(await readForm(request), { schema: ModelEditSchema });
  if (submission.status !== "success")
    return data({ result: submission.reply(), message: null }, { status: 400 });
  try {
    await saveModel(getAccounts().prisma, slug, submission.value, admin);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    // The library names the field ("maxOutputTokens: ..."): the form shows it there.
    const field = error.param === "maxOutputTokens" ? error.param : "";
    const text = error.message.replace(/^maxOutputTokens: must be/, "Must be");
    const reply = submission.reply({ fieldErrors: { [field]: [text] } });
    return data({ result: reply, message: null }, { status: error.status });
  }
  // No result: the form starts again from what is stored now (the loader's values).
  return {
    result: undefined,
    message: `Saved ${slug}. New requests use these limits and prices now.`,
  };
}
