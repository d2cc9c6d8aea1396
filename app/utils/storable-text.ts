// What PostgreSQL can store: its text (and jsonb's strings) hold neither a NUL
// character nor half of a UTF-16 surrogate pair. Node's driver writes a lone
// surrogate into a text column as U+FFFD without a word, and a json value with
// "\u0000" or "\ud800" in it fails the whole statement (issue #21, findings 11
// and 12). Input is refused with a 400 (app/http/json-shape.ts); what we store
// from requests and providers (content logging, stored responses, the audit
// log) is made storable instead, so that a charge is never lost over it.
// @see https://www.postgresql.org/docs/current/datatype-json.html

/** Whether PostgreSQL can store `text` as it is. */
export const isStorableText = (text: string) => !text.includes("\0") && text.isWellFormed();

/** `text` with each NUL and each lone surrogate replaced by U+FFFD. */
export const storableText = (text: string) =>
  isStorableText(text) ? text : text.toWellFormed().replaceAll("\0", "\ufffd");

// JSON.stringify writes well-formed text as it is and escapes only control
// characters and lone surrogates, so in its output a \u0000 or \ud800-\udfff
// escape that is not itself an escaped backslash is exactly what PostgreSQL refuses.
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

/** JSON.stringify, with what PostgreSQL's json cannot hold written as U+FFFD. */
export function storableJson(value: unknown, replacer?: (key: string, value: unknown) => unknown) {
  const json = JSON.stringify(value, replacer);
  return json.includes("\\u") ? json.replace(UNSTORABLE_ESCAPE, "$1\\ufffd") : json;
}

/** A copy of a JSON value (object keys included) that PostgreSQL's json can hold. */
export function storableJsonValue<T>(value: T): T {
  return JSON.parse(storableJson(value)) as T;
}
