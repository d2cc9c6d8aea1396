// `npm run bench -- --seed-rows N`: a usage log as a busy deployment has it after
// 90 days. Half the rows are one heavy account's (five keys), a tenth a team's
// (twenty members, a key each), the rest spread over 1,000 other accounts; four
// models, 2 % errors, 5 % served with the user's own provider key, times spread
// evenly over the last 90 days. Written with generate_series in batches, then
// added up into usage_days as the ledger would have (ADR 060).
import { hash } from "bcryptjs";
import type pg from "pg";
import { generateApiKey } from "../../app/accounts/api-keys/api-key-secret.server.ts";
import { rebuildUsageDays } from "../../app/usage/usage-days.server.ts";

export const HEAVY_PASSWORD = "bench-heavy-password";
const BATCH = 500_000;

export interface SeededUsage {
  heavy: { id: string; email: string; keyIds: string[]; secret: string };
  team: { id: string; ownerEmail: string };
  models: string[];
}

export async function seedUsage(db: pg.Pool, rows: number): Promise<SeededUsage> {
  const models = (
    await db.query<{ slug: string }>(
      `SELECT m.slug FROM models m JOIN model_provider_mappings mpm ON mpm.model_id = m.id
       GROUP BY m.slug ORDER BY m.slug LIMIT 4`,
    )
  ).rows.map((row) => row.slug);
  const mappings = [];
  for (const slug of models)
    mappings.push(
      (
        await db.query<{ id: number }>(
          `SELECT min(mpm.id) AS id FROM model_provider_mappings mpm JOIN models m ON m.id = mpm.model_id
           WHERE m.slug = $1`,
          [slug],
        )
      ).rows[0]!.id,
    );

  const passwordHash = await hash(HEAVY_PASSWORD, 10);
  const person = async (email: string) =>
    (
      await db.query<{ id: string }>(
        "INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id",
        [email, passwordHash],
      )
    ).rows[0]!.id;
  const secrets = new Map<string, string>();
  const key = async (accountId: string, createdBy: string) => {
    const { prefix, hash: secretHash, secret } = generateApiKey();
    const { id } = (
      await db.query<{ id: string }>(
        `INSERT INTO api_keys (user_id, created_by, name, prefix, secret_hash)
         VALUES ($1, $2, 'seeded', $3, $4) RETURNING id`,
        [accountId, createdBy, prefix, secretHash],
      )
    ).rows[0]!;
    secrets.set(id, secret);
    return id;
  };

  const heavyEmail = "heavy@bench.test";
  const heavyId = await person(heavyEmail);
  const heavyKeys = [];
  for (let i = 0; i < 5; i++) heavyKeys.push(await key(heavyId, heavyId));

  const teamId = (
    await db.query<{ id: string }>("INSERT INTO users (kind) VALUES ('TEAM') RETURNING id")
  ).rows[0]!.id;
  await db.query("INSERT INTO teams (account_id, name) VALUES ($1, 'Bench team')", [teamId]);
  const teamKeys = [];
  let ownerEmail = "";
  for (let i = 0; i < 20; i++) {
    const email = `member-${i}@bench.test`;
    const memberId = await person(email);
    if (i === 0) ownerEmail = email;
    await db.query("INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3)", [
      teamId,
      memberId,
      i === 0 ? "OWNER" : "MEMBER",
    ]);
    teamKeys.push(await key(teamId, memberId));
  }

  const others = (
    await db.query<{ id: string }>(
      `INSERT INTO users (email) SELECT 'other-' || g || '@bench.test' FROM generate_series(1, 1000) g
       RETURNING id`,
    )
  ).rows.map((row) => row.id);
  const otherKeys = (
    await db.query<{ id: string }>(
      `INSERT INTO api_keys (user_id, created_by, name, prefix, secret_hash)
       SELECT id, id, 'seeded', 'sk-seed' || row_number() OVER (), md5(id::text) FROM unnest($1::uuid[]) id
       RETURNING id`,
      [others],
    )
  ).rows.map((row) => row.id);

  // Each row's key: its account follows from the key.
  const shares = [
    { keys: heavyKeys, rows: Math.floor(rows / 2) },
    { keys: teamKeys, rows: Math.floor(rows / 10) },
    { keys: otherKeys, rows: rows - Math.floor(rows / 2) - Math.floor(rows / 10) },
  ];
  let written = 0;
  for (const share of shares) {
    for (let done = 0; done < share.rows; done += BATCH) {
      await db.query(
        `INSERT INTO conversations (request_id, user_id, api_key_id, cost, mapping_id, model_slug,
           provider_slug, upstream_model, endpoint, stream, status, usage_source, byok, input_tokens,
           output_tokens, input_price, cached_input_price, output_price, latency_ms,
           time_to_first_token_ms, created_at)
         SELECT 'seed_' || ($1::bigint + g), k.user_id, k.id, s.input * 2 + s.output * 8, s.mapping_id,
           s.model, 'openai', s.model, '/v1/chat/completions', s.stream,
           (CASE WHEN random() < 0.02 THEN 'ERROR' ELSE 'SUCCESS' END)::"ConversationStatus",
           'REPORTED', random() < 0.05, s.input, s.output, 2000000, 200000, 8000000,
           200 + (random() * 3000)::int, CASE WHEN s.stream THEN 50 + (random() * 500)::int END,
           now() - random() * interval '90 days'
         FROM generate_series(1, $2::int) g
         CROSS JOIN LATERAL (SELECT ($3::uuid[])[1 + (g + $1::bigint) % cardinality($3::uuid[])] AS id) pick
         JOIN api_keys k ON k.id = pick.id
         CROSS JOIN LATERAL (SELECT ($4::text[])[1 + g % cardinality($4::text[])] AS model,
           ($5::int[])[1 + g % cardinality($4::text[])] AS mapping_id,
           (50 + random() * 2000)::int AS input, (10 + random() * 800)::int AS output,
           g % 4 <> 0 AS stream) s`,
        [written, Math.min(BATCH, share.rows - done), share.keys, models, mappings],
      );
      written += Math.min(BATCH, share.rows - done);
      process.stdout.write(`\rseeded ${written.toLocaleString("en")} usage rows`);
    }
  }
  process.stdout.write("\n");
  await db.query("ANALYZE conversations");
  await rebuildUsageDays(db, [heavyId, teamId, ...others]);
  await db.query("ANALYZE usage_days");
  return {
    heavy: {
      id: heavyId,
      email: heavyEmail,
      keyIds: heavyKeys,
      secret: secrets.get(heavyKeys[0]!)!,
    },
    team: { id: teamId, ownerEmail },
    models,
  };
}
