# The image `fly deploy` and `docker build .` make. Two stages: build the app,
# whose server build holds every dependency the server runs (ADR 031), then
# run it with Node alone on Debian slim: no npm, no node_modules, no embedded
# PostgreSQL (DATABASE_URL is needed).

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so that a change to the code reuses this layer. The
# install generates the Prisma client (postinstall: scripts/, prisma/).
COPY package.json package-lock.json .npmrc ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM debian:bookworm-slim
# The build stage's Node, and nothing else of that image (npm, yarn and headers stay behind).
COPY --from=build /usr/local/bin/node /usr/local/bin/node
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --no-create-home --shell /usr/sbin/nologin node
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/build ./build
# Read at run time: the migrations, and the entry files that load the build.
COPY prisma/migrations ./prisma/migrations
COPY app/server/main.ts app/server/heap-flags.server.ts app/server/load-server-bundle.server.ts ./app/server/
COPY scripts/migrate.ts scripts/seed.ts scripts/ledger-check.ts scripts/content-purge.ts ./scripts/
USER node
EXPOSE 8080
# For `docker run` and compose; Fly ignores it and checks /readyz as fly.toml says.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "app/server/main.ts"]
