# syntax=docker/dockerfile:1
# Three stages: build the app, install production dependencies, then a small
# runtime image with only those two results. The runtime has no embedded
# PostgreSQL (an optional dependency): it needs DATABASE_URL.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --omit=optional --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-slim AS production-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts ./scripts
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY package.json ./
COPY app ./app
COPY prisma ./prisma
COPY scripts ./scripts
USER node
EXPOSE 8080
CMD ["node", "app/server/main.ts"]
