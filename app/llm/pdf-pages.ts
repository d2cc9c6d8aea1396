// How many pages a PDF may have, for sizing a hold: every provider bills a PDF
// by its pages (text and an image of each). Read from the file's page objects
// and its page tree's /Count; a PDF that hides them in compressed object
// streams counts as Claude's largest, 100 pages.
// @see https://platform.claude.com/docs/en/build-with-claude/pdf-support#pdf-support-limitations

const MOST_PAGES = 100;

export function pdfPagesUpperBound(dataUrl: string): number {
  const base64 = dataUrl.slice(dataUrl.indexOf(",") + 1);
  const text = Buffer.from(base64, "base64").toString("latin1");
  const pageObjects = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  let counted = 0;
  for (const match of text.matchAll(/\/Count\s+(\d+)/g))
    counted = Math.max(counted, Number(match[1]));
  const pages = Math.max(pageObjects, counted);
  return pages > 0 ? pages : MOST_PAGES;
}
