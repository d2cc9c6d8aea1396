// The playground's routes (ADR 070) on a real gateway process, without a browser: every
// malformed send, column and chat action is a 4xx that asks no provider and spends
// nothing; a column is asked (and paid) once; a team's playground spends the team's
// credits as the member, under the member's own Playground key; a viewer is refused at the form.
import { expect, test } from "vitest";
import { createCatalogEntry, createTeamAccount, createUser } from "../support/factories.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";
import { signedInCookie } from "../support/sign-in.ts";

const MODEL = "gpt-playground";
const { prisma, fake, gateway } = setupGatewayProcesses({
  prepare: (prisma) => createCatalogEntry(prisma, { modelSlug: MODEL }),
  env: (fake) => ({ OPENAI_API_KEY: "sk-fake", OPENAI_BASE_URL: fake.baseUrl, LOG_LEVEL: "warn" }),
  checkLedger: true,
  resetFake: true,
});

/** A signed-in person's pages: form posts, column posts, and the account switch. */
async function pagesOf(email: string) {
  const cookie = await signedInCookie(gateway.baseUrl, email);
  const send = (path: string, body: BodyInit, type?: string) =>
    fetch(gateway.baseUrl + path, {
      method: "POST",
      headers: { cookie, ...(type ? { "content-type": type } : {}) },
      body,
      redirect: "manual",
    });
  const form = (fields: Record<string, string>, path = "/dashboard/playground") =>
    send(path, new URLSearchParams(fields), "application/x-www-form-urlencoded");
  const column = (body: unknown) =>
    send("/dashboard/playground/stream", JSON.stringify(body), "application/json");
  return { cookie, send, form, column };
}

/** A column's status once its whole answer was read (the answer is kept as it ends). */
async function answered(column: Promise<Response>) {
  const response = await column;
  await response.text();
  return response.status;
}

/** Starts a turn as the page does with JavaScript: the action answers the turn, no provider asked. */
async function startTurn(
  pages: Awaited<ReturnType<typeof pagesOf>>,
  fields: Record<string, string> = {},
) {
  const answer = await pages.form({
    intent: "send",
    run: "browser",
    model1: MODEL,
    message: "Hello there",
    ...fields,
  });
  expect(answer.status).toBe(200);
  return newestTurn();
}

/** The newest chat's last turn, as the database has it. */
async function newestTurn() {
  const chat = await prisma.playgroundChat.findFirstOrThrow({
    orderBy: { updatedAt: "desc" },
    include: { messages: { orderBy: { turn: "desc" }, take: 1 } },
  });
  return { chatId: chat.id, turn: chat.messages[0]!.turn, model: MODEL };
}

test("malformed sends, columns and chat actions: each a 4xx, no provider asked, nothing spent", async () => {
  const person = await createUser(prisma, { credits: 50 });
  const pages = await pagesOf(person.email);
  const started = await startTurn(pages);
  const other = await createUser(prisma, { credits: 50 });
  const othersTurn = await startTurn(await pagesOf(other.email));
  const chatsBefore = await prisma.playgroundChat.count();
  const balanceBefore = (await prisma.user.findUniqueOrThrow({ where: { id: person.id } })).balance;

  const send = (fields: Record<string, string>) => ({
    intent: "send",
    model1: MODEL,
    message: "Hi",
    ...fields,
  });
  const FORMS: [string, Record<string, string>, number][] = [
    ["no message", send({ message: "" }), 400],
    ["a message of spaces", send({ message: "   " }), 400],
    ["no model", send({ model1: "" }), 400],
    ["the same model twice", send({ model2: MODEL }), 400],
    ["temperature not a number", send({ temperature: "warm" }), 400],
    ["temperature above 2", send({ temperature: "2.5" }), 400],
    ["temperature below 0", send({ temperature: "-1" }), 400],
    ["max tokens 0", send({ maxTokens: "0" }), 400],
    ["max tokens a fraction", send({ maxTokens: "1.5" }), 400],
    ["tools not JSON", send({ tools: "[{" }), 400],
    ["tools an object", send({ tools: '{"type":"function"}' }), 400],
    ["a tool without a name", send({ tools: '[{"type":"function","function":{}}]' }), 400],
    ["a tool of another type", send({ tools: '[{"type":"web","function":{"name":"x"}}]' }), 400],
    ["chat id not a uuid", send({ chatId: "abc" }), 400],
    ["someone else's chat", send({ chatId: othersTurn.chatId }), 404],
    ["a chat that does not exist", send({ chatId: crypto.randomUUID() }), 404],
    ["no intent", { message: "Hi" }, 400],
    ["rename without a title", { intent: "rename", chatId: started.chatId, title: " " }, 400],
    [
      "rename someone else's chat",
      { intent: "rename", chatId: othersTurn.chatId, title: "Mine" },
      404,
    ],
    ["delete without the ticked box", { intent: "delete", chatId: started.chatId }, 400],
    [
      "delete someone else's chat",
      { intent: "delete", chatId: othersTurn.chatId, confirm: "yes" },
      404,
    ],
  ];
  const COLUMNS: [string, unknown, number][] = [
    ["not JSON", "{", 400],
    ["no chat id", { turn: 1, model: MODEL }, 400],
    ["turn 0", { ...started, turn: 0 }, 400],
    ["turn a string", { ...started, turn: "1" }, 400],
    ["no model", { chatId: started.chatId, turn: started.turn }, 400],
    ["a model not among the chat's columns", { ...started, model: "gpt-other" }, 409],
    ["a turn not started", { ...started, turn: started.turn + 1 }, 409],
    ["someone else's chat", othersTurn, 409],
  ];
  const seen: string[] = [];
  for (const [name, fields, status] of FORMS) {
    const answer = await pages.form(fields);
    seen.push(`${name}: ${answer.status}`);
    expect(answer.status, name).toBe(status);
  }
  for (const [name, body, status] of COLUMNS) {
    const answer = await pages.send(
      "/dashboard/playground/stream",
      typeof body === "string" ? body : JSON.stringify(body),
      "application/json",
    );
    seen.push(`column ${name}: ${answer.status}`);
    expect(answer.status, name).toBe(status);
    if (status === 400) expect((await answer.json()).error.message).toMatch(/column/i);
  }
  // An image that is not an image, and one over the limit.
  for (const [name, file, status] of [
    ["an image of text", new File(["hello"], "a.txt", { type: "text/plain" }), 400],
    [
      "an image over 768 KB",
      new File([new Uint8Array(800 * 1024)], "a.png", { type: "image/png" }),
      400,
    ],
  ] as const) {
    const body = new FormData();
    for (const [key, value] of Object.entries(send({}))) body.set(key, value);
    body.set("image", file);
    const answer = await pages.send("/dashboard/playground", body);
    seen.push(`${name}: ${answer.status}`);
    expect(answer.status, name).toBe(status);
  }
  const get = await fetch(`${gateway.baseUrl}/dashboard/playground/stream`, {
    headers: { cookie: pages.cookie },
  });
  expect(get.status).toBe(405);
  const signedOut = await fetch(`${gateway.baseUrl}/dashboard/playground/stream`, {
    method: "POST",
    body: JSON.stringify(started),
    headers: { "content-type": "application/json" },
    redirect: "manual",
  });
  expect(signedOut.status).toBe(302);
  console.log(`playground refusals (${seen.length}):`, seen.join("; "));
  expect(fake.scripts.received).toHaveLength(0);
  expect(await prisma.playgroundChat.count()).toBe(chatsBefore);
  expect((await prisma.user.findUniqueOrThrow({ where: { id: person.id } })).balance).toBe(
    balanceBefore,
  );
});

test("a column is asked and paid once; the answer is kept with its request id", async () => {
  const person = await createUser(prisma, { credits: 50 });
  const pages = await pagesOf(person.email);
  const started = await startTurn(pages, {
    temperature: "0.3",
    maxTokens: "40",
    system: "Be brief.",
  });
  const [first, second] = await Promise.all([pages.column(started), pages.column(started)]);
  const statuses = [first.status, second.status].sort();
  expect(statuses).toEqual([200, 409]);
  const streamed = first.status === 200 ? first : second;
  expect(streamed.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const body = await streamed.text();
  expect(body).toContain('"cost_credits"');
  expect(fake.scripts.received).toHaveLength(1);
  expect(fake.scripts.received[0]!.body).toMatchObject({
    temperature: 0.3,
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hello there" },
    ],
  });
  const answer = await prisma.playgroundMessage.findFirstOrThrow({
    where: { chatId: started.chatId, turn: started.turn, model: MODEL },
  });
  const row = await prisma.conversation.findUniqueOrThrow({
    where: { requestId: answer.requestId! },
    include: { apiKey: true },
  });
  expect(answer).toMatchObject({ content: "Hello from the fake provider.", error: null });
  expect(row).toMatchObject({
    status: "SUCCESS",
    userId: person.id,
    endpoint: "/api/v1/chat/completions",
  });
  expect(row.apiKey).toMatchObject({ name: "Playground", createdById: person.id });
  expect(row.apiKey.playgroundSecret).toMatch(/^v\d+\./);
  // The next turn: the model sees the conversation as it had it.
  // The form sends the settings with every message: they are the chat's from then on.
  const next = await startTurn(pages, {
    chatId: started.chatId,
    message: "And then?",
    system: "Be brief.",
  });
  expect(next.turn).toBe(2);
  expect(await answered(pages.column(next))).toBe(200);
  expect((fake.scripts.received[1]!.body as { messages: unknown[] }).messages).toEqual([
    { role: "system", content: "Be brief." },
    { role: "user", content: "Hello there" },
    { role: "assistant", content: "Hello from the fake provider." },
    { role: "user", content: "And then?" },
  ]);
  // One Playground key per person and account, however many turns.
  expect(await prisma.apiKey.count({ where: { userId: person.id, name: "Playground" } })).toBe(1);
});

test("an image goes to the model as an image part; tools go along, and the model's tool calls are kept", async () => {
  const person = await createUser(prisma, { credits: 50 });
  const pages = await pagesOf(person.email);
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
    "base64",
  );
  const tools = [
    {
      type: "function",
      function: { name: "describe", parameters: { type: "object", properties: {} } },
    },
  ];
  const form = new FormData();
  for (const [name, value] of Object.entries({
    intent: "send",
    model1: MODEL,
    message: "What is in this picture?",
    tools: JSON.stringify(tools),
  }))
    form.set(name, value);
  form.set("image", new File([png], "dot.png", { type: "image/png" }));
  fake.scripts.enqueue(MODEL, {
    toolCalls: [{ id: "call_1", name: "describe", arguments: '{"detail":"high"}' }],
    finishReason: "tool_calls",
  });
  // Without JavaScript: the action asks every column and shows the chat.
  const answer = await pages.send("/dashboard/playground", form);
  expect(answer.status).toBe(302);
  const sent = fake.scripts.received[0]!.body as {
    messages: { content: unknown }[];
    tools: unknown;
  };
  expect(sent.messages[0]!.content).toEqual([
    { type: "text", text: "What is in this picture?" },
    { type: "image_url", image_url: { url: `data:image/png;base64,${png.toString("base64")}` } },
  ]);
  expect(sent.tools).toEqual(tools);
  const chatId = answer.headers.get("location")!.split("/").pop()!;
  const kept = await prisma.playgroundMessage.findFirstOrThrow({ where: { chatId, model: MODEL } });
  expect(kept.toolCalls).toEqual([{ name: "describe", arguments: '{"detail":"high"}' }]);
  const page = await (
    await fetch(gateway.baseUrl + `/dashboard/playground/${chatId}`, {
      headers: { cookie: pages.cookie },
    })
  ).text();
  expect(page).toContain("Tool call: describe({&quot;detail&quot;:&quot;high&quot;})");
  expect(page).toContain('alt="Attached image 1"');
});

test("in a team: spends the team's credits as the member, under the member's key; a viewer is refused", async () => {
  const { teamId, members } = await createTeamAccount(prisma, {
    credits: 100,
    members: 2,
    name: "Lab",
  });
  const [member, viewer] = members as [(typeof members)[number], (typeof members)[number]];
  await prisma.teamMember.update({
    where: { teamId_userId: { teamId, userId: viewer.id } },
    data: { role: "VIEWER" },
  });
  const memberPages = await pagesOf(member.email);
  expect((await memberPages.form({ account: teamId }, "/dashboard/switch")).status).toBe(302);
  const started = await startTurn(memberPages);
  expect(await answered(memberPages.column(started))).toBe(200);
  const answer = await prisma.playgroundMessage.findFirstOrThrow({
    where: { chatId: started.chatId, model: MODEL },
  });
  const row = await prisma.conversation.findUniqueOrThrow({
    where: { requestId: answer.requestId! },
    include: { apiKey: true },
  });
  expect(row.userId).toBe(teamId);
  expect(row.apiKey).toMatchObject({ name: "Playground", userId: teamId, createdById: member.id });
  const chat = await prisma.playgroundChat.findUniqueOrThrow({ where: { id: started.chatId } });
  expect(chat).toMatchObject({ userId: member.id, accountId: teamId });

  const viewerPages = await pagesOf(viewer.email);
  expect((await viewerPages.form({ account: teamId }, "/dashboard/switch")).status).toBe(302);
  const chats = await prisma.playgroundChat.count();
  const refused = await viewerPages.form({ intent: "send", model1: MODEL, message: "Hi" });
  expect(refused.status).toBe(403);
  const page = await refused.text();
  console.log("viewer's send:", refused.status, /Your role in Lab is viewer[^<]*/.exec(page)?.[0]);
  expect(page).toContain("Your role in Lab is viewer; this needs owner, admin, member.");
  expect(await prisma.playgroundChat.count()).toBe(chats);
  expect(fake.scripts.received).toHaveLength(1);
});
