// Limits of the gateway's API that more than the server needs to know.

/** The largest request body the completions endpoints accept (images travel inline). */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;
