// Unknown paths render the root error boundary's 404 page with a real 404 status.
export function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
