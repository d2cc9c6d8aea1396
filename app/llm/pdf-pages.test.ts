import { expect, test } from "vitest";
import { inputTokensUpperBound } from "./input-estimate.ts";
import { pdfPagesUpperBound } from "./pdf-pages.ts";

const pdf = (body: string) =>
  `data:application/pdf;base64,${Buffer.from(body, "latin1").toString("base64")}`;

test("a PDF's pages: its page objects, or its page tree's count when larger", () => {
  expect(pdfPagesUpperBound(pdf("<< /Type /Pages /Count 1 >> << /Type /Page >>"))).toBe(1);
  expect(pdfPagesUpperBound(pdf("<</Type/Page>> <</Type/Page>> <</Type /Pages /Kids []>>"))).toBe(
    2,
  );
  expect(pdfPagesUpperBound(pdf("<< /Type /Pages /Count 12 >> << /Type /Page >>"))).toBe(12);
});

test("a PDF whose pages cannot be seen (compressed object streams) counts as 100 pages", () => {
  expect(pdfPagesUpperBound(pdf("<< /Type /ObjStm /N 40 >> stream x\u009c endstream"))).toBe(100);
});

test("the hold's input bound gives each PDF page the allowance of an image", () => {
  const request = (parts: number) => ({
    model: "m",
    messages: [
      {
        role: "user" as const,
        content: Array.from({ length: parts }, () => ({
          type: "file" as const,
          file: { file_data: pdf("<< /Type /Pages /Count 3 >>") },
        })),
      },
    ],
  });
  expect(inputTokensUpperBound(request(2)) - inputTokensUpperBound(request(1))).toBeGreaterThan(
    3 * 6_000,
  );
});
