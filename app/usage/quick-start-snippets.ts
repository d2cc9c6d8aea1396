/** What a snippet's first line exports; the user pastes their key in its place. */
export const KEY_PLACEHOLDER = "paste-your-key-here";

export interface QuickStartSnippet {
  language: "curl" | "Python" | "TypeScript";
  /** A shell session to paste whole: it exports the key, then streams one answer. */
  code: string;
}

const PROMPT = "Say hello in five words.";

/**
 * The overview's quick start: complete programs, each pasted into a terminal as
 * it is, that stream one answer from `model` and print it as it arrives (issue
 * #23: the old Node snippet printed nothing, the curl one did not stream and
 * read a key nobody had exported). Python needs nothing but the standard library.
 */
export function quickStartSnippets(baseUrl: string, model: string): QuickStartSnippet[] {
  const exportKey = `export GATEWAY_KEY="${KEY_PLACEHOLDER}"  # a key from the API keys page`;
  const body = JSON.stringify({
    model,
    stream: true,
    messages: [{ role: "user", content: PROMPT }],
  });
  return [
    {
      language: "curl",
      code: [
        exportKey,
        "",
        `curl -N ${baseUrl}/chat/completions \\`,
        `  -H "Authorization: Bearer $GATEWAY_KEY" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d '${body}'`,
      ].join("\n"),
    },
    {
      language: "Python",
      code: [
        exportKey,
        "",
        "cat > hello.py <<'PY'",
        "import json, os, urllib.request",
        "",
        "request = urllib.request.Request(",
        `    "${baseUrl}/chat/completions",`,
        "    data=json.dumps({",
        `        "model": ${JSON.stringify(model)},`,
        `        "stream": True,`,
        `        "messages": [{"role": "user", "content": ${JSON.stringify(PROMPT)}}],`,
        "    }).encode(),",
        "    headers={",
        `        "Authorization": "Bearer " + os.environ["GATEWAY_KEY"],`,
        `        "Content-Type": "application/json",`,
        "    },",
        ")",
        "with urllib.request.urlopen(request) as response:",
        "    for line in response:",
        '        if line.startswith(b"data: {"):',
        '            for choice in json.loads(line[6:])["choices"]:',
        '                print(choice["delta"].get("content") or "", end="", flush=True)',
        "print()",
        "PY",
        "python3 hello.py",
      ].join("\n"),
    },
    {
      language: "TypeScript",
      code: [
        exportKey,
        "",
        "# Node 22.18 or later runs TypeScript; once: npm install openai",
        "cat > hello.ts <<'TS'",
        'import OpenAI from "openai";',
        "",
        `const client = new OpenAI({ baseURL: "${baseUrl}", apiKey: process.env.GATEWAY_KEY });`,
        "const stream = await client.chat.completions.create({",
        `  model: ${JSON.stringify(model)},`,
        "  stream: true,",
        `  messages: [{ role: "user", content: ${JSON.stringify(PROMPT)} }],`,
        "});",
        'for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? "");',
        'process.stdout.write("\\n");',
        "TS",
        "node hello.ts",
      ].join("\n"),
    },
  ];
}
