import { type RouteConfig, index, route } from "@react-router/dev/routes";

export default [
  index("routes/_index.tsx"),
  route("docs", "routes/docs.tsx"),
  // The gateway API (resource routes).
  route("v1/chat/completions", "routes/v1.chat.completions.ts"),
  route("v1/models", "routes/v1.models.ts"),
  route("completions", "routes/completions.ts", { id: "completions" }),
  route("api/completions", "routes/completions.ts", { id: "api-completions" }),
  route("*", "routes/$.tsx"),
] satisfies RouteConfig;
