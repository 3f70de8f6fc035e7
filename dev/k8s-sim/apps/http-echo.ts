// hashicorp/http-echo (https://github.com/hashicorp/http-echo, main.go): answers `-text` (or
// $ECHO_TEXT) and a newline on every path, `{"status":"ok"}` on /health, listening on `-listen`
// (default :5678). Without a text it exits at start, so it listens nowhere.

import type { AppContext } from "../http-apps";
import { registerApp } from "../http-apps";
import { containerSpec } from "./static-site";

function flag(ctx: AppContext, name: string): string | undefined {
  const args: string[] = (containerSpec(ctx).args ?? []).map(String);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const m = new RegExp(`^--?${name}=(.*)$`).exec(a);
    if (m) return m[1];
    if (a === `-${name}` || a === `--${name}`) return args[i + 1];
  }
  return undefined;
}

const text = (ctx: AppContext) => flag(ctx, "text") ?? ctx.env.ECHO_TEXT;
const port = (ctx: AppContext) => Number((flag(ctx, "listen") ?? ":5678").split(":").pop());

registerApp({
  repos: ["docker.io/hashicorp/http-echo"],
  make: () => ({
    listens: (ctx) => (text(ctx) === undefined ? [] : [port(ctx)]),
    http: async (_port, req, ctx) => {
      const health = (req.path.split("?")[0] ?? "") === "/health";
      const body = health ? '{"status":"ok"}\n' : `${text(ctx)}\n`;
      return {
        status: 200,
        headers: {
          "content-type": health ? "application/json" : "text/plain; charset=utf-8",
          "x-app-name": "http-echo",
          "x-app-version": "1.0.0",
        },
        body,
      };
    },
  }),
});
