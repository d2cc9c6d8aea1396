/** Terms and their values, two columns from small screens up (a request's or a key's facts). */
export function FactList({ facts, mono = false }: { facts: [string, string][]; mono?: boolean }) {
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
      {facts.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="text-muted-foreground">{term}</dt>
          <dd className={mono ? "font-mono break-all" : "break-words"}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
