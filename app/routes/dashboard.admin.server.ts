import { parseWithZod } from "@conform-to/zod/v4";
import { randomUUID } from "node:crypto";
import { data } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { audit, recentAuditEvents } from "#app/accounts/audit-log.server.ts";
import { grantCredits } from "#app/accounts/grants.server.ts";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import type { Admin } from "#app/admin/admin-change.server.ts";
import { AliasDeleteSchema, AliasSchema, GrantSchema } from "#app/admin/admin-page-fields.ts";
import { deleteAlias, listAliases, setAlias } from "#app/admin/model-aliases.server.ts";
import { modelsOverview } from "#app/admin/models-overview.server.ts";
import { GatewayError } from "#app/http/gateway-error.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { creditsToMicro, formatMoney } from "#app/utils/money.ts";

// The Admin page's loader and action: the models and their prices, credits an
// admin grants, model aliases, and the audit log.

/** The page's data; `q` searches the models. */
export async function adminPage({ request }: { request: Request }) {
  await requireAdminId(request);
  const { prisma } = getAccounts();
  const query = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 200);
  const auditEvents = await recentAuditEvents(prisma);
  const aliases = await listAliases(prisma);
  const { modelSlugs, models } = await modelsOverview(prisma, query);
  return {
    auditEvents,
    aliases,
    // A fresh token per page view: a double submit grants once.
    grantToken: randomUUID(),
    query,
    modelSlugs,
    models,
  };
}

/** One of the page's forms, told apart by its `intent`. */
export async function adminAction({ request }: { request: Request }) {
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
async function grant(form: FormData, admin: Admin) {
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
async function saveAlias(form: FormData, admin: Admin) {
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

async function changeAlias(form: Record<string, unknown>, admin: Admin) {
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
