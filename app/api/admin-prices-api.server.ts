import { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import { applyPriceSync, runPriceSync } from "../admin/price-sync.server.ts";
import { parseEnv } from "../config/env.server.ts";
import { invalidRequest } from "../http/gateway-error.ts";
import { adminApi } from "./admin-api.server.ts";
import { readBody } from "./api-helpers.server.ts";

// Price sync for admins (ADR 069): run one against PRICE_SYNC_URL or a URL sent,
// see the diff, apply what is approved.

const RunSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
});

const ApplySchema = z.object({
  changed: z.union([z.literal("all"), z.array(z.number().int())]).optional(),
  added: z.array(z.string().max(200)).max(1_000).optional(),
  removed: z.array(z.number().int()).max(10_000).optional(),
});

/** GET /api/admin/prices/sync: the latest runs, newest first. */
export const listPriceSyncsApi = (accounts: Accounts, request: Request) =>
  adminApi(accounts, request, async () => {
    const runs = await accounts.prisma.priceSyncRun.findMany({
      orderBy: { fetchedAt: "desc" },
      take: 10,
    });
    return Response.json({ runs: runs.map(presentRun) });
  });

/** POST /api/admin/prices/sync {url?}: fetches the catalog and keeps its diff (nothing applied). */
export const runPriceSyncApi = (accounts: Accounts, request: Request) =>
  adminApi(accounts, request, async () => {
    const { url } = await readBody(request, RunSchema);
    const source = url ?? parseEnv(process.env).PRICE_SYNC_URL;
    if (!source) throw invalidRequest("Send a url, or set PRICE_SYNC_URL", "url");
    const run = await runPriceSync(accounts.prisma, source);
    return Response.json({ run: { id: run.id, diff: run.diff } }, { status: 201 });
  });

/** POST /api/admin/prices/sync/:id/apply {changed: [mapping ids] | "all", added: [ids], removed: [mapping ids]} */
export const applyPriceSyncApi = (accounts: Accounts, request: Request, id: string | undefined) =>
  adminApi(accounts, request, async (admin) => {
    if (!id || !z.uuid().safeParse(id).success) throw invalidRequest("No such price sync", "id");
    const selection = await readBody(request, ApplySchema);
    const applied = await applyPriceSync(accounts.prisma, id, selection, admin);
    return Response.json({ applied });
  });

type Run = Awaited<ReturnType<Accounts["prisma"]["priceSyncRun"]["findMany"]>>[number];
const presentRun = (run: Run) => ({
  id: run.id,
  sourceUrl: run.sourceUrl,
  fetchedAt: run.fetchedAt.toISOString(),
  diff: run.diff,
  autoApplied: run.autoApplied,
  appliedAt: run.appliedAt?.toISOString() ?? null,
});
