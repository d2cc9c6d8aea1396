import {
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  useForm,
  type SubmissionResult,
} from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { RefObject } from "react";
import { Form } from "react-router";
import { FieldError, FormErrors, FormField } from "#app/components/form-field.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Label } from "#app/components/ui/label.tsx";
import { MAX_COLUMNS, SendFormSchema } from "#app/playground/playground-form.ts";
import type { PlaygroundSettings } from "#app/playground/playground-request.ts";
import { useHydrated } from "./use-hydrated.ts";

const FIELD =
  "rounded-md border border-input bg-transparent px-3 py-2 text-sm shadow-xs focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";

/**
 * The playground's one form: the columns' models, the settings and the message. Without
 * JavaScript it posts and the page comes back with the answers; with it, the page streams
 * them (the hidden `run` says which).
 */
export function SendForm({
  chatId,
  models,
  picked,
  settings,
  lastResult,
  running,
  onStop,
  formRef,
}: {
  chatId: string | undefined;
  models: { slug: string; name: string }[];
  picked: string[];
  settings: PlaygroundSettings;
  lastResult: SubmissionResult<string[]> | undefined;
  running: boolean;
  onStop: () => void;
  formRef: RefObject<HTMLFormElement | null>;
}) {
  const browser = useHydrated();
  const [form, fields] = useForm({
    id: "playground-send",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SendFormSchema }),
    shouldValidate: "onSubmit",
    defaultValue: {
      model1: picked[0] ?? models[0]?.slug ?? "",
      model2: picked[1] ?? "",
      model3: picked[2] ?? "",
      model4: picked[3] ?? "",
      system: settings.system,
      temperature: settings.temperature === null ? "" : String(settings.temperature),
      maxTokens: settings.maxTokens === null ? "" : String(settings.maxTokens),
      tools: settings.tools ? JSON.stringify(settings.tools, null, 2) : "",
    },
  });
  const modelFields = [fields.model1, fields.model2, fields.model3, fields.model4];
  return (
    <Form
      method="post"
      encType="multipart/form-data"
      aria-label="Ask the models"
      className="grid gap-4"
      ref={formRef}
      {...getFormProps(form)}
    >
      <input type="hidden" name="intent" value="send" />
      <input type="hidden" name="run" value={browser ? "browser" : "server"} />
      {chatId && <input type="hidden" name="chatId" value={chatId} />}
      <FormErrors errors={form.errors} />
      <fieldset className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
        <legend className="mb-2 text-sm font-medium">
          Models, side by side (up to {MAX_COLUMNS})
        </legend>
        {modelFields.map((field, index) => (
          <div key={field.name} className="grid gap-1.5">
            <Label htmlFor={field.id}>Model {index + 1}</Label>
            <select {...getSelectProps(field)} key={field.key} className={`h-9 ${FIELD}`}>
              {index > 0 && <option value="">none</option>}
              {models.map((model) => (
                <option key={model.slug} value={model.slug}>
                  {model.name} ({model.slug})
                </option>
              ))}
            </select>
            <FieldError id={`${field.id}-error`} errors={field.errors} />
          </div>
        ))}
      </fieldset>
      <details className="rounded-lg border p-3">
        <summary className="cursor-pointer text-sm font-medium">Settings</summary>
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          <div className="grid gap-1.5 sm:col-span-2">
            <Label htmlFor={fields.system.id}>System prompt</Label>
            <textarea
              {...getTextareaProps(fields.system)}
              key={fields.system.key}
              rows={3}
              className={FIELD}
            />
            <FieldError id={`${fields.system.id}-error`} errors={fields.system.errors} />
          </div>
          <FormField
            label="Temperature (0–2, empty: the model's default)"
            errors={fields.temperature.errors}
            inputProps={{ ...getInputProps(fields.temperature, { type: "number" }), step: "0.1" }}
          />
          <FormField
            label="Max tokens (empty: the model's most)"
            errors={fields.maxTokens.errors}
            inputProps={getInputProps(fields.maxTokens, { type: "number" })}
          />
          <div className="grid gap-1.5 sm:col-span-2">
            <Label htmlFor={fields.tools.id}>Tools (JSON: OpenAI function tools)</Label>
            <textarea
              {...getTextareaProps(fields.tools)}
              key={fields.tools.key}
              rows={4}
              className={`font-mono ${FIELD}`}
              placeholder='[{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]'
            />
            <FieldError id={`${fields.tools.id}-error`} errors={fields.tools.errors} />
          </div>
        </div>
      </details>
      <div className="grid gap-1.5">
        <Label htmlFor={fields.message.id}>Message</Label>
        <textarea
          {...getTextareaProps(fields.message)}
          key={fields.message.key}
          rows={3}
          className={FIELD}
          placeholder="Ask every column the same thing"
        />
        <FieldError id={`${fields.message.id}-error`} errors={fields.message.errors} />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={fields.image.id}>
          Image (optional, for models that see images; up to 768 KB)
        </Label>
        <input
          {...getInputProps(fields.image, { type: "file" })}
          key={fields.image.key}
          accept="image/png,image/jpeg,image/webp,image/gif"
          className="text-sm"
        />
        <FieldError id={`${fields.image.id}-error`} errors={fields.image.errors} />
      </div>
      <div className="flex gap-2">
        <Button type="submit" disabled={running}>
          Send
        </Button>
        {running && (
          <Button type="button" variant="outline" onClick={onStop}>
            Stop
          </Button>
        )}
      </div>
    </Form>
  );
}
