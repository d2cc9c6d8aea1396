// Body limits the routes and the body readers share.

/** The largest request body the completions endpoints accept (images travel inline). */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** OpenAI's own limit on an audio upload (transcriptions, translations; ADR 072). */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;
