import { data } from "react-router";
import { z } from "zod";
import { requireAdminId } from "#app/accounts/require-user.server.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { applyPriceSync, runPriceSync, type PriceDiff } from "#app/admin/price-sync.server.ts";
import { parseEnv } from "#app/config/env.server.ts";
import { GatewayError } from "#app/http/gateway-error.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";

// The admin's Prices page (dashboard.admin.prices.tsx, ADR 069): check a public
// catalog now, see the latest run's diff, apply the lines ticked.

export async function loadPricesPage(request: Request) {
  await requireAdminId(request);
  const { prisma } = getAccounts();
  const latest = await prisma.priceSyncRun.findFirst({ orderBy: { fetchedAt: "desc" } });
  return {
    defaultUrl: parseEnv(process.env).PRICE_SYNC_URL ?? "",
    run: latest && {
      id: latest.id,
      sourceUrl: latest.sourceUrl,
      fetchedAt: latest.fetchedAt.toISOString(),
      autoApplied: latest.autoApplied,
      appliedAt: latest.appliedAt?.toISOString() ?? null,
      diff: latest.diff as unknown as PriceDiff,
    },
  };
}

const CheckSchema = z.object({
  intent: z.literal("check"),
  url: z.url({ protocol: /^https?$/, error: "Enter an http(s) URL" }),
});
const ApplySchema = z.object({ intent: z.literal("apply"), run: z.uuid() });

export async function pricesPageAction(request: Request) {
  const admin = { id: await requireAdminId(request), request };
  const { prisma } = getAccounts();
  const form = await readForm(request);
  if (form.get("intent") === "check") {
    const check = CheckSchema.safeParse(Object.fromEntries(form));
    if (!check.success)
      return data({ problem: "Enter the catalog's http(s) URL" }, { status: 400 });
    try {
      await runPriceSync(prisma, check.data.url);
    } catch (error) {
      if (error instanceof GatewayError) return data({ problem: error.message }, { status: 502 });
      throw error;
    }
    return redirectWithToast("/dashboard/admin/prices", "Catalog read: its differences are below.");
  }
  const apply = ApplySchema.safeParse(Object.fromEntries(form));
  if (!apply.success) throw data("This form is incomplete", { status: 400 });
  const numbers = (name: string) => form.getAll(name).map(Number).filter(Number.isInteger);
  try {
    const applied = await applyPriceSync(
      prisma,
      apply.data.run,
      {
        changed: numbers("changed"),
        added: form.getAll("added").map(String),
        removed: numbers("removed"),
      },
      admin,
    );
    return redirectWithToast(
      "/dashboard/admin/prices",
      `Applied: ${applied.changed} price changes, ${applied.added} new models, ${applied.removed} routes switched off.`,
    );
  } catch (error) {
    if (error instanceof GatewayError)
      return data({ problem: error.message }, { status: error.status });
    throw error;
  }
}
