import { data } from "react-router";
import { isStorableText } from "../utils/storable-text.ts";

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/**
 * A form action's fields, or a 4xx naming what is wrong: a body that is not a
 * form (415), one that cannot be parsed as the form it claims to be (400), or
 * a field with text no text column can store, a NUL character (400).
 */
export async function readForm(request: Request): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  if (!FORM_TYPES.test(type)) {
    throw data(
      `Send this form as application/x-www-form-urlencoded or multipart/form-data (got ${type.slice(0, 100) || "no Content-Type"})`,
      { status: 415 },
    );
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw data("The form could not be read: its body is malformed", { status: 400 });
  }
  // Bytes arrive decoded as UTF-8 (a surrogate's encoding as U+FFFD), so only a
  // NUL can reach PostgreSQL from a form; the check is the JSON API's all the same.
  for (const [name, value] of form) {
    if (typeof value === "string" && !isStorableText(value))
      throw data(
        `The field "${name.slice(0, 64)}" contains ${value.includes("\0") ? "a NUL character" : "an unpaired surrogate"}`,
        { status: 400 },
      );
  }
  return form;
}
