import { describe, expect, test } from "vitest";
import { GEMINI_SPEECH, speechPrompt } from "../../../providers/google/gemini-speech.ts";
import { fitSpeech } from "./speech-options.ts";
import type { SpeechRequest } from "./speech-request.ts";

// What a provider's speech takes (ADR 075): Gemini's voices in any case, wav or pcm (wav when
// none is named), no speed; OpenAI takes the request as it came.

const request = (fields: Partial<SpeechRequest>): SpeechRequest => ({
  model: "m",
  input: "Hi",
  voice: "Kore",
  ...fields,
});

describe("fitSpeech", () => {
  test("Gemini: its voice as it spells it, wav by default, speed 1 is no speed", () => {
    expect(fitSpeech(request({ voice: "kORE", speed: 1 }), GEMINI_SPEECH, "m")).toEqual({
      ok: true,
      ask: { voice: "Kore", format: "wav" },
    });
    expect(fitSpeech(request({ format: "pcm" }), GEMINI_SPEECH, "m")).toMatchObject({
      ok: true,
      ask: { format: "pcm" },
    });
  });

  test.each([
    [{ voice: "alloy" }, "voice", /'alloy' is not one of m's voices: Zephyr, Puck/],
    [{ format: "mp3" as const }, "response_format", /'mp3' is not one m can give: wav or pcm/],
    [{ speed: 0.5 }, "speed", /speed is not supported by m/],
  ])("Gemini refuses %o: a 400 naming %s", (fields, param, message) => {
    const fit = fitSpeech(request(fields), GEMINI_SPEECH, "m");
    expect(fit.ok).toBe(false);
    if (fit.ok) return;
    expect(fit.error.status).toBe(400);
    expect(fit.error.param).toBe(param);
    expect(fit.error.message).toMatch(message);
  });

  test("OpenAI: the request as it came, mp3 when no format is named", () => {
    expect(fitSpeech(request({ voice: "alloy", speed: 1.5 }), undefined, "tts-1")).toEqual({
      ok: true,
      ask: { voice: "alloy", format: "mp3", speed: 1.5 },
    });
  });
});

test("instructions go in front of the text, as Gemini's speech guide writes style", () => {
  expect(speechPrompt("Have a wonderful day!", "Say cheerfully.")).toBe(
    "Say cheerfully: Have a wonderful day!",
  );
  expect(speechPrompt("Hello", undefined)).toBe("Hello");
  expect(speechPrompt("Hello", "  ")).toBe("Hello");
});
