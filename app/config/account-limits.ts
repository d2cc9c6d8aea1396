// Defaults of the environment's account limits (env.server.ts), ADR 034.

/** FREE_ONRAMP_PER_DAY's default: enough to try the gateway out, too few to farm (ADR 034). */
export const DEFAULT_FREE_ONRAMPS_PER_DAY = 3;

/** SIGNUPS_PER_ADDRESS_PER_HOUR's default: a team behind one address gets started; a script does not. */
export const DEFAULT_SIGN_UPS_PER_ADDRESS_PER_HOUR = 10;
