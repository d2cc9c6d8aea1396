import { parseWithZod } from "@conform-to/zod/v4";
import type { SubmissionResult } from "@conform-to/react";
import { data } from "react-router";
import { z } from "zod";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import type { Admin } from "#app/admin/admin-change.server.ts";
import { importProviderModels } from "#app/admin/import-models.server.ts";
import { testProvider } from "#app/admin/provider-check.server.ts";
import {
  AddKeyFormSchema,
  CreateProviderFormSchema,
  EditProviderFormSchema,
  ImportModelsFormSchema,
} from "#app/admin/provider-fields.ts";
import { addProviderKey, setProviderKeyEnabled } from "#app/admin/provider-keys.server.ts";
import { createProvider, updateProvider } from "#app/admin/providers.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { GatewayError } from "#app/http/gateway-error.ts";
import { readForm } from "#app/http/read-form.server.ts";

// The Providers page's action: the same operations as the admin JSON API
// (app/admin/), as plain forms. A form's bad value answers beside its field,
// what was typed kept (ADR 046, ADR 050); a button's outcome (test, enable)
// shows in its provider's section.

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

export interface Outcome {
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

/** One of the page's forms or buttons, told apart by its `intent`. */
export async function providersAction({ request }: { request: Request }) {
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
