import { type RouteConfig, index, route } from "@react-router/dev/routes";

export default [
  index("routes/_index.tsx"),
  route("docs", "routes/docs.tsx"),
  route("models", "routes/models.tsx"),
  route("login", "routes/login.tsx"),
  route("signup", "routes/signup.tsx"),
  route("logout", "routes/logout.tsx"),
  route("dashboard", "routes/dashboard.tsx", [
    index("routes/dashboard._index.tsx"),
    route("keys", "routes/dashboard.keys.tsx"),
    route("credits", "routes/dashboard.credits.tsx"),
    route("usage", "routes/dashboard.usage.tsx"),
    route("admin", "routes/dashboard.admin.tsx"),
    route("admin/providers", "routes/dashboard.admin.providers.tsx"),
  ]),
  route("dashboard/usage.csv", "routes/dashboard.usage.csv.ts"),
  // The gateway API (resource routes).
  route("v1/chat/completions", "routes/v1.chat.completions.ts"),
  route("v1/messages", "routes/v1.messages.ts"),
  route("v1/messages/count_tokens", "routes/v1.messages.count_tokens.ts"),
  route("v1/responses", "routes/v1.responses.ts"),
  route("v1/embeddings", "routes/v1.embeddings.ts"),
  route("v1/models", "routes/v1.models.ts"),
  route("completions", "routes/completions.ts", { id: "completions" }),
  route("api/completions", "routes/completions.ts", { id: "api-completions" }),
  // OpenRouter's lookups by API key.
  route("api/v1/generation", "routes/api.v1.generation.ts"),
  route("api/v1/key", "routes/api.v1.key.ts"),
  route("api/v1/credits", "routes/api.v1.credits.ts"),
  // The seed's JSON API for accounts, keys and credits (session cookie).
  route("api/auth/sign-up", "routes/api.auth.sign-up.ts"),
  route("api/auth/sign-in", "routes/api.auth.sign-in.ts"),
  route("api/auth/sign-out", "routes/api.auth.sign-out.ts"),
  route("api/auth/profile", "routes/api.auth.profile.ts"),
  route("api/api-keys", "routes/api.api-keys.ts"),
  route("api/api-keys/:id", "routes/api.api-keys.$id.ts"),
  route("api/models", "routes/api.models.ts"),
  route("api/payments/onramp", "routes/api.payments.onramp.ts"),
  // The admin JSON API: providers, their upstream keys, models.
  route("api/admin/providers", "routes/api.admin.providers.ts"),
  route("api/admin/providers/:slug", "routes/api.admin.providers.$slug.ts"),
  route("api/admin/providers/:slug/keys", "routes/api.admin.providers.$slug.keys.ts"),
  route("api/admin/providers/:slug/keys/:id", "routes/api.admin.providers.$slug.keys.$id.ts"),
  route("api/admin/providers/:slug/test", "routes/api.admin.providers.$slug.check.ts"),
  route(
    "api/admin/providers/:slug/import-models",
    "routes/api.admin.providers.$slug.import-models.ts",
  ),
  route("api/admin/models", "routes/api.admin.models.ts"),
  route("*", "routes/$.tsx"),
] satisfies RouteConfig;
