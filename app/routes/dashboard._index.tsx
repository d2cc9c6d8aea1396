import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requireUserId } from "#app/accounts/require-user.server.ts";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "#app/components/ui/card.tsx";
import { formatCredits, formatUsd } from "#app/utils/money.ts";
import { publicOrigin } from "#app/utils/request-origin.ts";
import type { Route } from "./+types/dashboard._index";

export async function loader({ request }: Route.LoaderArgs) {
  const userId = await requireUserId(request);
  const { prisma } = getAccounts();
  const since = new Date(Date.now() - 30 * 24 * 3600 * 1000);
  const [user, usage] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { balance: true } }),
    prisma.conversation.aggregate({
      where: { userId, createdAt: { gte: since } },
      _sum: { cost: true },
      _count: true,
    }),
  ]);
  return {
    balance: { credits: formatCredits(user.balance), usd: formatUsd(user.balance, 4) },
    spent30d: {
      credits: formatCredits(usage._sum.cost ?? 0n, 4),
      usd: formatUsd(usage._sum.cost ?? 0n, 4),
    },
    requests30d: usage._count,
    baseUrl: `${publicOrigin(request)}/v1`,
  };
}

export const meta: Route.MetaFunction = () => [{ title: "Overview · LLM Gateway" }];

export default function Overview({ loaderData }: Route.ComponentProps) {
  const { balance, spent30d, requests30d, baseUrl } = loaderData;
  const curl = `curl ${baseUrl}/chat/completions \\\n  -H "Authorization: Bearer $GATEWAY_KEY" -H "Content-Type: application/json" \\\n  -d '{"model": "gpt-6-luna", "messages": [{"role": "user", "content": "Hello"}]}'`;
  const sdk = `import OpenAI from "openai";\n\nconst client = new OpenAI({ baseURL: "${baseUrl}", apiKey: process.env.GATEWAY_KEY });\nconst reply = await client.chat.completions.create({\n  model: "claude-haiku-5-5",\n  messages: [{ role: "user", content: "Hello" }],\n});`;
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
      <div className="grid gap-4 sm:grid-cols-3">
        <Card>
          <CardHeader>
            <CardDescription>Balance</CardDescription>
            <CardTitle className="text-3xl">{balance.credits}</CardTitle>
          </CardHeader>
          <CardContent className="text-sm text-muted-foreground">
            credits · {balance.usd}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Spent, last 30 days</CardDescription>
            <CardTitle className="text-3xl">{spent30d.credits}</CardTitle>
          </CardHeader>
          <CardContent className="text-sm text-muted-foreground">
            credits · {spent30d.usd}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Requests, last 30 days</CardDescription>
            <CardTitle className="text-3xl">{requests30d}</CardTitle>
          </CardHeader>
        </Card>
      </div>
      <section aria-labelledby="quick-start" className="grid gap-3">
        <h2 id="quick-start" className="text-lg font-semibold">
          Quick start
        </h2>
        <p className="text-sm text-muted-foreground">Create a key on the API keys page, then:</p>
        <pre className="overflow-x-auto rounded-lg bg-primary p-4 text-sm text-primary-foreground">
          <code>{curl}</code>
        </pre>
        <pre className="overflow-x-auto rounded-lg bg-primary p-4 text-sm text-primary-foreground">
          <code>{sdk}</code>
        </pre>
      </section>
    </div>
  );
}
