import type { Prisma } from "../../../db/prisma.server.ts";
import { errorResponse, GatewayError } from "../../../http/gateway-error.ts";

// Images answered by URL (ADR 072): kept in PostgreSQL for an hour under a random id (the
// URL is the capability, as OpenAI's are), then removed. Every instance serves every one.

export const IMAGE_URL_TTL_MS = 60 * 60 * 1000;

/** Keeps the images and answers their paths (/v1/images/files/<id>); expired ones are removed on the way. */
export async function keepImages(
  prisma: Prisma,
  accountId: string,
  requestId: string,
  images: { base64: string; mimeType: string }[],
) {
  const expiresAt = new Date(Date.now() + IMAGE_URL_TTL_MS);
  await prisma.generatedImage.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  const kept = await prisma.generatedImage.createManyAndReturn({
    data: images.map((image) => ({
      accountId,
      requestId,
      mimeType: image.mimeType,
      bytes: Buffer.from(image.base64, "base64"),
      expiresAt,
    })),
    select: { id: true },
  });
  return kept.map(({ id }) => `/v1/images/files/${id}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** GET /v1/images/files/<id>: the image's bytes until it expires, then a 404 in OpenAI's shape. */
export async function serveImageFile(prisma: Prisma, id: string): Promise<Response> {
  const image = UUID.test(id)
    ? await prisma.generatedImage.findFirst({
        where: { id, expiresAt: { gt: new Date() } },
        select: { mimeType: true, bytes: true, expiresAt: true },
      })
    : null;
  if (!image)
    return errorResponse(
      new GatewayError(404, "No such image, or its URL has expired (URLs last an hour)", {
        type: "invalid_request_error",
        code: "image_not_found",
      }),
    );
  const seconds = Math.max(0, Math.floor((image.expiresAt.getTime() - Date.now()) / 1000));
  return new Response(image.bytes, {
    headers: {
      "Content-Type": image.mimeType,
      "Cache-Control": `private, max-age=${seconds}`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}
