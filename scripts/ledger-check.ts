// `npm run ledger:check`: checks every account and key against its history
// (app/billing/ledger-check.server.ts), on DATABASE_URL or the embedded
// database in DATA_DIR. Prints each discrepancy; exits 1 if there is any.
// Run it while no gateway serves requests: running requests hold credits.
import { checkLedger } from "../app/billing/ledger-check.server.ts";
import { formatCredits } from "../app/utils/money.ts";
import { withPrisma } from "./with-prisma.ts";

const found = await withPrisma(checkLedger);
for (const d of found)
  console.log(
    `${d.account} ${d.id}: ${d.rule} does not hold: stored ${formatCredits(d.stored, 6)}, history says ${formatCredits(d.expected, 6)}`,
  );
console.log(found.length === 0 ? "Ledger OK." : `${found.length} discrepancies.`);
process.exit(found.length === 0 ? 0 : 1);
