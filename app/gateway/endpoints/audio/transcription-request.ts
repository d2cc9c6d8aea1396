import { z } from "zod";
import { GatewayError, invalidRequest } from "../../../http/gateway-error.ts";
import { formFields, readMultipart } from "../../../http/multipart-form.server.ts";
import { MAX_AUDIO_BYTES } from "../../../http/limits.ts";
import { AUDIO_FORMATS, audioFormatOf } from "../../../utils/audio-formats.ts";

// OpenAI's transcription request (ADR 072): a multipart form, as its SDK sends it (openai
// 7.x: resources/audio/transcriptions; arrays as `name[]`). The upload is checked before
// anything is held: its size (413), its format by its bytes (415).
// @see https://platform.openai.com/docs/api-reference/audio/createTranscription

export const TRANSCRIPTION_FORMATS = ["json", "text", "srt", "verbose_json", "vtt"] as const;

const Fields = z.strictObject({
  model: z.string({ error: "is required" }).min(1).max(200),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/, "must be an ISO-639-1 code such as en")
    .optional(),
  prompt: z.string().max(4_000, "must be at most 4,000 characters").optional(),
  response_format: z.enum(TRANSCRIPTION_FORMATS).optional(),
  temperature: z.coerce
    .number()
    .min(0, "must be from 0 to 1")
    .max(1, "must be from 0 to 1")
    .optional(),
  "timestamp_granularities[]": z.array(z.enum(["word", "segment"])).optional(),
  stream: z.enum(["true", "false"]).optional(),
});

export interface TranscriptionRequest {
  model: string;
  file: File;
  bytes: Uint8Array;
  format: string;
  language?: string;
  prompt?: string;
  responseFormat: (typeof TRANSCRIPTION_FORMATS)[number];
  temperature?: number;
  timestampGranularities?: ("word" | "segment")[];
  /** The transcript's events as they come (ADR 074): models priced by tokens only. */
  stream: boolean;
}

// A translation (speech to English text) takes the same form without a language or timestamps.
const TranslationFields = Fields.omit({ language: true, "timestamp_granularities[]": true });

/** The form, or the 4xx that names what is wrong with it. */
export async function parseTranscriptionRequest(
  request: Request,
  translate = false,
): Promise<TranscriptionRequest> {
  const form = await readMultipart(request, "the audio");
  const file = form.get("file");
  if (!(file instanceof File))
    throw invalidRequest("file is required: the audio to transcribe", "file");
  if (form.getAll("file").length > 1) throw invalidRequest("Send one file", "file");
  if (file.size === 0) throw invalidRequest("The file is empty", "file");
  if (file.size > MAX_AUDIO_BYTES)
    throw new GatewayError(
      413,
      `The file is ${file.size} bytes; the most is ${MAX_AUDIO_BYTES} (25 MB)`,
      {
        type: "invalid_request_error",
        code: "file_too_large",
        param: "file",
      },
    );
  const values: z.infer<typeof Fields> = formFields(
    form,
    ["file"],
    translate ? TranslationFields : Fields,
  );
  const responseFormat = values.response_format ?? "json";
  if (values["timestamp_granularities[]"] && responseFormat !== "verbose_json")
    throw invalidRequest(
      "timestamp_granularities needs response_format verbose_json",
      "timestamp_granularities",
    );
  const bytes = new Uint8Array(await file.arrayBuffer());
  const format = audioFormatOf(bytes);
  if (!format)
    throw new GatewayError(
      415,
      `The file is not audio this gateway can send: one of ${AUDIO_FORMATS.join(", ")}`,
      {
        type: "invalid_request_error",
        code: "unsupported_audio_format",
        param: "file",
      },
    );
  return {
    model: values.model,
    file,
    bytes,
    format,
    language: values.language,
    prompt: values.prompt,
    responseFormat,
    temperature: values.temperature,
    timestampGranularities: values["timestamp_granularities[]"],
    stream: values.stream === "true",
  };
}
