import { data } from "react-router";

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/**
 * A form action's fields, or a 4xx naming what is wrong: a body that is not a
 * form (415), one that cannot be parsed as the form it claims to be (400), or
 * a field with a NUL character, which no text column can store (400).
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
  for (const [name, value] of form) {
    if (typeof value === "string" && value.includes("\0"))
      throw data(`The field "${name.slice(0, 64)}" contains a NUL character`, { status: 400 });
  }
  return form;
}
