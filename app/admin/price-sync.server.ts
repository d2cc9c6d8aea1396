import { audit } from "../accounts/audit-log.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import { GatewayError } from "../http/gateway-error.ts";
import { openRouterId } from "../llm/model-names.ts";
import type { Logger } from "../observability/logger.server.ts";
import { microToUsd, usdToMicro } from "../utils/money.ts";
import {
  CatalogFormatError,
  readPriceCatalog,
  type CatalogPrice,
} from "../catalog/price-catalog.ts";

// Prices that keep up (ADR 069): a public catalog is fetched, compared with the
// routes of its models' own providers (openai/gpt-4o with the route served by
// "openai"), and the difference kept as a run for an admin to approve. New
// models and models gone are only ever applied by an admin; price changes
// within PRICE_SYNC_MAX_CHANGE_PERCENT may be applied by the schedule. Every
// applied change is audited and recorded with the moment it took effect;
// usage rows keep the prices they were charged at.

/** USD per 1M tokens, as exact decimal strings. */
export interface PriceSet {
  input: string;
  cachedInput: string;
  cacheWrite: string | null;
  output: string;
}

export interface PriceDiff {
  changed: {
    mappingId: number;
    model: string;
    provider: string;
    before: PriceSet;
    after: PriceSet;
    /** The largest change of any of its prices, in percent of the old one. */
    changePercent: number;
  }[];
  /** Catalog models of a provider the gateway has, that it does not serve yet. */
  added: { openRouterId: string; name: string; prices: PriceSet; contextLength: number | null }[];
  /** Routes of a provider the catalog covers, whose model the catalog no longer lists. */
  removed: { mappingId: number; model: string; provider: string }[];
}

export interface Selection {
  changed?: number[] | "all";
  added?: string[];
  removed?: number[];
}

const MAX_CATALOG_BYTES = 50 * 1_048_576;
const FETCH_TIMEOUT_MS = 20_000;

/** The catalog at `url`, read; a 502 naming the problem when it cannot be had or read. */
export async function fetchPriceCatalog(url: string): Promise<CatalogPrice[]> {
  const unreadable = (problem: string) =>
    new GatewayError(502, `The price catalog at ${url} ${problem}`, {
      type: "upstream_error",
      code: "price_catalog_unreadable",
    });
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw unreadable(`answered ${response.status}`);
    if (Number(response.headers.get("content-length") ?? 0) > MAX_CATALOG_BYTES)
      throw unreadable("is larger than 50 MB");
    text = await response.text();
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw unreadable(`could not be fetched: ${(error as Error).message}`);
  }
  try {
    return readPriceCatalog(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) throw unreadable("is not JSON");
    if (error instanceof CatalogFormatError) throw unreadable(`is ${error.message}`);
    throw error;
  }
}

/** What applying the catalog would change. */
export async function diffPrices(prisma: Prisma, catalog: CatalogPrice[]): Promise<PriceDiff> {
  const [mappings, providers] = await Promise.all([
    prisma.modelProviderMapping.findMany({
      where: { enabled: true },
      orderBy: { id: "asc" },
      include: {
        model: { select: { slug: true, company: { select: { slug: true } } } },
        provider: { select: { slug: true } },
      },
    }),
    prisma.provider.findMany({ select: { slug: true } }),
  ]);
  const byId = new Map(catalog.map((entry) => [entry.openRouterId, entry]));
  const covered = new Set(catalog.map((entry) => entry.openRouterId.split("/")[0]!));
  const served = new Set<string>();
  const diff: PriceDiff = { changed: [], added: [], removed: [] };
  for (const mapping of mappings) {
    const id = openRouterId(mapping.model.slug, mapping.model.company.slug);
    served.add(id);
    // A model's prices are its own provider's: a reseller's route keeps its own.
    if (mapping.provider.slug !== id.split("/")[0]) continue;
    const entry = byId.get(id);
    if (!entry) {
      if (covered.has(mapping.provider.slug))
        diff.removed.push({
          mappingId: mapping.id,
          model: mapping.model.slug,
          provider: mapping.provider.slug,
        });
      continue;
    }
    const before: PriceSet = {
      input: microToUsd(mapping.inputPrice),
      cachedInput: microToUsd(mapping.cachedInputPrice),
      cacheWrite: mapping.cacheWritePrice === null ? null : microToUsd(mapping.cacheWritePrice),
      output: microToUsd(mapping.outputPrice),
    };
    const after: PriceSet = {
      input: asShown(entry.input),
      // A catalog without a cached price keeps ours.
      cachedInput: entry.cachedInput === null ? before.cachedInput : asShown(entry.cachedInput),
      cacheWrite: entry.cacheWrite === null ? before.cacheWrite : asShown(entry.cacheWrite),
      output: asShown(entry.output),
    };
    const percent = changePercent(before, after);
    if (percent > 0)
      diff.changed.push({
        mappingId: mapping.id,
        model: mapping.model.slug,
        provider: mapping.provider.slug,
        before,
        after,
        changePercent: percent,
      });
  }
  const providerSlugs = new Set(providers.map((provider) => provider.slug));
  for (const entry of catalog) {
    const company = entry.openRouterId.split("/")[0]!;
    if (served.has(entry.openRouterId) || !providerSlugs.has(company)) continue;
    const { input, cachedInput, cacheWrite, output } = entry;
    diff.added.push({
      openRouterId: entry.openRouterId,
      name: entry.name,
      prices: {
        input: asShown(input),
        cachedInput: asShown(cachedInput ?? input),
        cacheWrite: cacheWrite === null ? null : asShown(cacheWrite),
        output: asShown(output),
      },
      contextLength: entry.contextLength,
    });
  }
  return diff;
}

/** A price as the gateway writes its own ("1.2" -> "1.20"), so a diff reads alike on both sides. */
const asShown = (usd: string) => microToUsd(usdToMicro(usd));

/** The largest relative change among the prices, in percent (a price from zero: 100 %). */
function changePercent(before: PriceSet, after: PriceSet) {
  const pairs: [string | null, string | null][] = [
    [before.input, after.input],
    [before.cachedInput, after.cachedInput],
    [before.cacheWrite, after.cacheWrite],
    [before.output, after.output],
  ];
  let most = 0;
  for (const [old, next] of pairs) {
    const a = old === null ? 0n : usdToMicro(old);
    const b = next === null ? 0n : usdToMicro(next);
    if (a === b) continue;
    const percent = a === 0n ? 100 : (Math.abs(Number(b - a)) / Number(a)) * 100;
    most = Math.max(most, Math.round(percent * 100) / 100);
  }
  return most;
}

/** Fetches, compares and keeps the run; applies the changes within `autoPercent` (undefined: none). */
export async function runPriceSync(
  prisma: Prisma,
  url: string,
  autoPercent?: number,
): Promise<{ id: string; diff: PriceDiff; autoApplied: number }> {
  const diff = await diffPrices(prisma, await fetchPriceCatalog(url));
  const run = await prisma.priceSyncRun.create({
    data: { sourceUrl: url, diff: diff as object },
    select: { id: true },
  });
  if (autoPercent === undefined || autoPercent <= 0) return { id: run.id, diff, autoApplied: 0 };
  const within = diff.changed.filter((change) => change.changePercent <= autoPercent);
  await applyChanges(prisma, run.id, within, [], [], { source: "price_sync_auto" });
  await prisma.priceSyncRun.update({ where: { id: run.id }, data: { autoApplied: within.length } });
  return { id: run.id, diff, autoApplied: within.length };
}

/** Applies what the admin picked of a run's diff, once: a run applied before is a 409. */
export async function applyPriceSync(
  prisma: Prisma,
  runId: string,
  selection: Selection,
  admin: { id: string; request: Request },
) {
  const run = await prisma.priceSyncRun.findUnique({ where: { id: runId } });
  if (!run)
    throw new GatewayError(404, "No such price sync", {
      type: "not_found_error",
      code: "not_found",
    });
  const claimed = await prisma.priceSyncRun.updateMany({
    where: { id: runId, appliedAt: null },
    data: { appliedAt: new Date(), appliedBy: admin.id },
  });
  if (claimed.count === 0)
    throw new GatewayError(409, "This price sync was applied already: run a new one", {
      type: "invalid_request_error",
      code: "price_sync_applied",
    });
  const diff = run.diff as unknown as PriceDiff;
  const chosenChanges = new Set(selection.changed === "all" ? [] : (selection.changed ?? []));
  const changed =
    selection.changed === "all"
      ? diff.changed
      : diff.changed.filter((change) => chosenChanges.has(change.mappingId));
  const chosenModels = new Set(selection.added ?? []);
  const added = diff.added.filter((model) => chosenModels.has(model.openRouterId));
  const chosenRemovals = new Set(selection.removed ?? []);
  const removed = diff.removed.filter((route) => chosenRemovals.has(route.mappingId));
  await applyChanges(prisma, runId, changed, added, removed, { source: "price_sync", admin });
  return { changed: changed.length, added: added.length, removed: removed.length };
}

async function applyChanges(
  prisma: Prisma,
  runId: string,
  changed: PriceDiff["changed"],
  added: PriceDiff["added"],
  removed: PriceDiff["removed"],
  by: { source: "price_sync" | "price_sync_auto"; admin?: { id: string; request: Request } },
) {
  const note = (
    action: "price_changed" | "model_created" | "model_changed",
    subject: string,
    details: Record<string, string | number | boolean | null>,
  ) =>
    audit(prisma, by.admin?.request ?? null, {
      action,
      actorId: by.admin?.id ?? null,
      subject,
      details: { ...details, source: by.source, syncRun: runId },
    });
  for (const change of changed) {
    const prices = microPrices(change.after);
    await prisma.$transaction([
      prisma.modelProviderMapping.update({ where: { id: change.mappingId }, data: prices }),
      prisma.priceChange.create({
        data: {
          mappingId: change.mappingId,
          ...prices,
          source: by.source,
          syncRunId: runId,
          actorId: by.admin?.id,
        },
      }),
    ]);
    await note("price_changed", String(change.mappingId), {
      model: change.model,
      provider: change.provider,
      inputPrice: prices.inputPrice.toString(),
      cachedInputPrice: prices.cachedInputPrice.toString(),
      outputPrice: prices.outputPrice.toString(),
    });
  }
  for (const model of added) {
    const [company, slug] = model.openRouterId.split("/") as [string, string];
    const prices = microPrices(model.prices);
    const mapping = await prisma.$transaction(async (tx) => {
      const owner = await tx.company.upsert({
        where: { slug: company },
        create: { slug: company, name: company },
        update: {},
      });
      const provider = await tx.provider.findUniqueOrThrow({ where: { slug: company } });
      const created = await tx.model.create({
        data: {
          slug,
          name: model.name,
          companyId: owner.id,
          contextLength: model.contextLength ?? 128_000,
          maxOutputTokens: 16_384,
        },
      });
      const route = await tx.modelProviderMapping.create({
        data: { modelId: created.id, providerId: provider.id, upstreamModel: slug, ...prices },
      });
      await tx.priceChange.create({
        data: {
          mappingId: route.id,
          ...prices,
          source: by.source,
          syncRunId: runId,
          actorId: by.admin?.id,
        },
      });
      return route;
    });
    await note("model_created", slug, { provider: company, mapping: mapping.id });
  }
  for (const route of removed) {
    await prisma.modelProviderMapping.update({
      where: { id: route.mappingId },
      data: { enabled: false },
    });
    await note("model_changed", route.model, { provider: route.provider, enabled: false });
  }
}

function microPrices(prices: PriceSet) {
  return {
    inputPrice: usdToMicro(prices.input),
    cachedInputPrice: usdToMicro(prices.cachedInput),
    cacheWritePrice: prices.cacheWrite === null ? null : usdToMicro(prices.cacheWrite),
    outputPrice: usdToMicro(prices.output),
  };
}

/**
 * PRICE_SYNC_URL on a schedule: shortly after the start, then every
 * PRICE_SYNC_HOURS, unless an instance synced lately.
 */
export function startPriceSync(
  prisma: Prisma,
  log: Logger,
  settings: { url: string | undefined; hours: number; autoPercent: number },
) {
  const { url } = settings;
  if (!url) return { stop: () => {} };
  const run = async () => {
    // One run a period across instances: one that ran lately (another instance's) is enough.
    const recent = await prisma.priceSyncRun.count({
      where: {
        sourceUrl: url,
        fetchedAt: { gt: new Date(Date.now() - settings.hours * 3_600_000 * 0.9) },
      },
    });
    if (recent > 0) return;
    const result = await runPriceSync(prisma, url, settings.autoPercent);
    const { changed, added, removed } = result.diff;
    log.info(
      {
        url,
        changed: changed.length,
        added: added.length,
        removed: removed.length,
        autoApplied: result.autoApplied,
      },
      "price sync: the rest awaits an admin on the Prices page",
    );
  };
  const tick = () =>
    void run().catch((error: unknown) => log.error({ err: error, url }, "price sync failed"));
  const first = setTimeout(tick, 5_000).unref();
  const timer = setInterval(tick, settings.hours * 3_600_000).unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
