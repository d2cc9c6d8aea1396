import { z } from "zod";

// The playground's send form (dashboard.playground.tsx): one schema for conform in the
// browser, the page's action (no JavaScript) and the turn route (JavaScript).

export const MAX_COLUMNS = 4;
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
// A dashboard form is at most MAX_FORM_BODY_BYTES (1 MB by default): the image fits in it.
export const MAX_IMAGE_BYTES = 768 * 1024;

const tools = z
  .string()
  .max(50_000, "At most 50,000 characters")
  .optional()
  .transform((text, context) => {
    if (!text?.trim()) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      context.addIssue({ code: "custom", message: "Tools must be JSON: an array of tools" });
      return z.NEVER;
    }
    const listed = ToolsSchema.safeParse(parsed);
    if (!listed.success) {
      context.addIssue({
        code: "custom",
        message: 'Tools must be an array of {"type": "function", "function": {"name": …}}',
      });
      return z.NEVER;
    }
    return listed.data;
  });

const ToolsSchema = z
  .array(
    z.looseObject({
      type: z.literal("function"),
      function: z.looseObject({ name: z.string().min(1).max(64) }),
    }),
  )
  .min(1)
  .max(64);

const slug = z.string().max(200).optional();

export const SendFormSchema = z
  .object({
    intent: z.literal("send"),
    chatId: z.uuid().optional(),
    model1: slug,
    model2: slug,
    model3: slug,
    model4: slug,
    system: z.string().max(100_000, "At most 100,000 characters").optional(),
    temperature: z
      .number({ error: "Enter a number from 0 to 2" })
      .min(0, "From 0 to 2")
      .max(2, "From 0 to 2")
      .optional(),
    maxTokens: z
      .number({ error: "Enter a whole number" })
      .int("Enter a whole number")
      .min(1, "At least 1")
      .max(1_000_000, "At most 1,000,000")
      .optional(),
    tools,
    message: z
      .string({ error: "Write a message" })
      .trim()
      .min(1, "Write a message")
      .max(200_000, "At most 200,000 characters"),
    image: z
      .instanceof(File)
      .optional()
      .refine((file) => !file || file.size <= MAX_IMAGE_BYTES, "The image is over 768 KB")
      .refine(
        (file) => !file || (IMAGE_TYPES as readonly string[]).includes(file.type),
        "The image must be PNG, JPEG, WebP or GIF",
      ),
  })
  .transform((form, context) => {
    const models = [form.model1, form.model2, form.model3, form.model4].filter(
      (model): model is string => !!model,
    );
    if (models.length === 0) {
      context.addIssue({ code: "custom", path: ["model1"], message: "Pick a model" });
      return z.NEVER;
    }
    if (new Set(models).size !== models.length) {
      context.addIssue({ code: "custom", path: ["model2"], message: "Pick each model once" });
      return z.NEVER;
    }
    return { ...form, models };
  });

export type SendForm = z.output<typeof SendFormSchema>;

export const ChatButtonSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("rename"),
    chatId: z.uuid(),
    title: z.string().trim().min(1, "Enter a title").max(200, "At most 200 characters"),
  }),
  // The ConfirmedForm's ticked box, checked here too.
  z.object({ intent: z.literal("delete"), chatId: z.uuid(), confirm: z.literal("yes") }),
]);
