export const TEMPLATE_DATABASE = "gateway_template";

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string) {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}
