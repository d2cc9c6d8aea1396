import { z } from "zod";
import { audit } from "../accounts/audit-log.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import type { Admin } from "./providers.server.ts";

// A model's own settings, apart from its mappings' prices: its name and limits
// (an imported model starts at 128k context and 8k output until edited). The
// catalog trigger makes every instance reload the model at once.

export const UpdateModelSchema = z
  .object({
    name: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(200),
    contextLength: z
      .number({ error: "must be a number of tokens" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(100_000_000),
    maxOutputTokens: z
      .number({ error: "must be a number of tokens" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(10_000_000),
  })
  .partial()
  .refine((change) => Object.keys(change).length > 0, {
    error: "send name, contextLength or maxOutputTokens",
  });

export type ModelChange = z.infer<typeof UpdateModelSchema>;

/** Changes a model's name or limits; a 404 when there is no such model, a 400 when output would exceed context. */
export async function updateModel(prisma: Prisma, slug: string, change: ModelChange, admin: Admin) {
  const model = await prisma.model.findUnique({
    where: { slug },
    select: { contextLength: true, maxOutputTokens: true },
  });
  if (!model)
    throw new GatewayError(404, `No model '${slug}'`, {
      type: "not_found_error",
      code: "model_not_found",
    });
  const context = change.contextLength ?? model.contextLength;
  const output = change.maxOutputTokens ?? model.maxOutputTokens;
  if (output > context)
    throw new GatewayError(
      400,
      `maxOutputTokens: must be at most the context length (${context})`,
      {
        type: "invalid_request_error",
        param: "maxOutputTokens",
      },
    );
  const updated = await prisma.model.update({
    where: { slug },
    data: change,
    select: { slug: true, name: true, contextLength: true, maxOutputTokens: true },
  });
  await audit(prisma, admin.request, {
    action: "model_changed",
    actorId: admin.id,
    subject: slug,
    details: Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)),
  });
  return updated;
}
