// The names a client may give a model: its catalog slug (`gpt-6.2-sol`), its
// OpenRouter id (`openai/gpt-6.2-sol`, from the company that makes it), an
// admin's alias (`fast`), each with an optional OpenRouter variant suffix.
// @see https://openrouter.ai/docs/guides/routing/model-variants

/** OpenRouter's variants that choose the order of a model's providers: fastest first, or cheapest first. */
export type ModelVariant = "nitro" | "floor";

const VARIANT = /:(nitro|floor)$/;

/** `gpt-6.2-sol:nitro` -> the name and its variant. */
export function splitVariant(name: string): { name: string; variant?: ModelVariant } {
  const match = VARIANT.exec(name);
  if (!match) return { name };
  return { name: name.slice(0, match.index), variant: match[1] as ModelVariant };
}

/**
 * A model's OpenRouter id: `company/slug`. A slug that already has an author
 * (`meta-llama/llama-3.3-70b`, imported from an OpenAI-compatible server) is its own id.
 */
export const openRouterId = (slug: string, company: string) =>
  slug.includes("/") ? slug : `${company}/${slug}`;

/** What an alias may be called: not a slug's shape with a variant suffix or an author. */
export const ALIAS_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * The known names closest to an unknown one, best first: within a few edits
 * (typos) and at most one edit further than the best, else those that contain
 * it (`sonnet`). At most `limit`.
 */
export function closestNames(unknown: string, known: Iterable<string>, limit = 3): string[] {
  const wanted = unknown.toLowerCase();
  const allowed = Math.max(2, Math.floor(wanted.length / 4));
  const scored: { name: string; distance: number }[] = [];
  for (const name of known) {
    const distance = editDistance(wanted, name.toLowerCase(), allowed);
    if (distance <= allowed) scored.push({ name, distance });
  }
  if (scored.length === 0 && wanted.length >= 3) {
    return [...known]
      .filter((name) => name.toLowerCase().includes(wanted))
      .sort((a, b) => a.length - b.length || a.localeCompare(b))
      .slice(0, limit);
  }
  scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  const best = scored[0]?.distance ?? 0;
  return scored
    .filter((entry) => entry.distance <= best + 1)
    .slice(0, limit)
    .map((entry) => entry.name);
}

/** Levenshtein distance, given up (returning more than `ceiling`) once it must exceed it. */
function editDistance(a: string, b: string, ceiling: number): number {
  if (Math.abs(a.length - b.length) > ceiling) return ceiling + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      best = Math.min(best, current[j]!);
    }
    if (best > ceiling) return ceiling + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Every name a model answers to -> its slug. A slug wins over another model's
 * OpenRouter id, which wins over an alias (an alias never hides a model).
 */
export function nameIndex(
  models: Iterable<{ slug: string; openRouterId: string }>,
  aliases: Iterable<[alias: string, slug: string]>,
): Map<string, string> {
  const names = new Map<string, string>();
  const all = [...models];
  for (const model of all) names.set(model.slug, model.slug);
  for (const model of all)
    if (!names.has(model.openRouterId)) names.set(model.openRouterId, model.slug);
  for (const [alias, slug] of aliases) if (!names.has(alias)) names.set(alias, slug);
  return names;
}
