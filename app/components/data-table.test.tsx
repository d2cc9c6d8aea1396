import { renderToStaticMarkup } from "react-dom/server";
import { expect, test } from "vitest";
import { DataTable } from "./data-table.tsx";

const rows = [
  { id: "a", name: "Alpha", spend: "$1.00" },
  { id: "b", name: "Beta", spend: "$2.50" },
];

test("a table: its headings, one row per item, labels for the card view, numbers to the right", () => {
  const html = renderToStaticMarkup(
    <DataTable
      label="Spend"
      rows={rows}
      rowKey={(row) => row.id}
      cardsBelow="md"
      columns={[
        { header: "Name", unlabelled: true, cell: (row) => row.name },
        { header: "Spend", align: "right", cell: (row) => row.spend },
      ]}
    />,
  );
  expect(html).toContain('<table class="max-md:table-cards w-full text-sm" aria-label="Spend">');
  expect(html.match(/<th /g)).toHaveLength(2);
  expect(html.match(/<tr class="border-t">/g)).toHaveLength(2);
  expect(html).toContain('<td class="px-3 py-2">Alpha</td>');
  expect(html).toContain('<td data-label="Spend" class="px-3 py-2 text-right">$2.50</td>');
});

test("no rows shows what the page says instead, not an empty table", () => {
  const html = renderToStaticMarkup(
    <DataTable
      label="Spend"
      rows={[]}
      rowKey={() => "x"}
      columns={[{ header: "Name", cell: () => "x" }]}
      empty={<p>No spend yet.</p>}
    />,
  );
  expect(html).toBe("<p>No spend yet.</p>");
});

test("a column of buttons has a heading for screen readers only; rows take extra classes", () => {
  const html = renderToStaticMarkup(
    <DataTable
      label="Spend"
      rows={rows}
      rowKey={(row) => row.id}
      rowClassName="align-top"
      columns={[
        { header: "Name", cell: (row) => row.name },
        { header: "Actions", hideHeader: true, unlabelled: true, cell: () => "buttons" },
      ]}
    />,
  );
  expect(html).toContain('<span class="sr-only">Actions</span></th>');
  expect(html.match(/<tr class="border-t align-top">/g)).toHaveLength(2);
  expect(html).toContain('<td class="px-3 py-2">buttons</td>');
});
