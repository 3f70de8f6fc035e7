// The demo web app `ghcr.io/kubebid/guestbook` (any tag): a page listing the rows of table
// `entries` in the PostgreSQL database its env names, and a form adding one. It is what a tenant's
// first two-service lease runs (web + database on a PersistentVolumeClaim), so every part between
// them is exercised: Service DNS and NetworkPolicy (AppContext.dial), the password from a Secret,
// the data on the volume. Listens on PORT (default 8080); GET / renders, POST / (form field `text`)
// inserts and answers 303 to /; a database error is a 500 page with the error's message.
import {
  type AppContext,
  type ContainerApp,
  type HttpRequest,
  type HttpResponse,
  registerApp,
} from "../http-apps";

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

const page = (status: number, body: string): HttpResponse => ({
  status,
  headers: { "content-type": "text/html; charset=utf-8" },
  body: `<!doctype html><html><head><meta charset="utf-8"><title>KubeBid guestbook</title></head><body><h1>KubeBid guestbook</h1>${body}</body></html>`,
});

async function withDatabase<T>(
  ctx: AppContext,
  fn: (q: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>) => Promise<T>,
): Promise<T> {
  const env = ctx.env;
  const host = env.DATABASE_HOST;
  if (!host) throw new Error("DATABASE_HOST is not set");
  const peer = await ctx.dial(host, Number(env.DATABASE_PORT || 5432));
  // A peer that does not speak PostgreSQL closes the connection on the startup message.
  const pg = peer.app.postgres?.(peer.ctx);
  if (!pg) throw new Error("Connection terminated unexpectedly");
  const user = env.DATABASE_USER || "postgres";
  const conn = await pg.connect(user, env.DATABASE_PASSWORD ?? "", env.DATABASE_NAME || user);
  try {
    await conn.query(
      "CREATE TABLE IF NOT EXISTS entries (id serial PRIMARY KEY, text text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
    );
    return await fn(conn.query);
  } finally {
    await conn.close();
  }
}

class GuestbookApp implements ContainerApp {
  listens(ctx: AppContext): number[] {
    return [Number(ctx.env.PORT || 8080)];
  }

  async http(_port: number, req: HttpRequest, ctx: AppContext): Promise<HttpResponse> {
    const path = req.path.split("?")[0];
    if (path !== "/") return page(404, "<p>Not found</p>");
    try {
      if (req.method === "POST") {
        const text = new URLSearchParams(req.body.toString("utf8")).get("text")?.trim() ?? "";
        if (!text) return page(400, "<p>Write something first.</p>");
        await withDatabase(ctx, (q) => q("INSERT INTO entries (text) VALUES ($1)", [text]));
        return { status: 303, headers: { location: "/" }, body: "" };
      }
      if (req.method !== "GET" && req.method !== "HEAD")
        return { status: 405, headers: { allow: "GET, HEAD, POST" }, body: "" };
      const rows = await withDatabase(
        ctx,
        async (q) => (await q("SELECT text FROM entries ORDER BY id")).rows,
      );
      const items = rows.map((r) => `<li>${escapeHtml(String(r.text))}</li>`).join("");
      return page(
        200,
        `<form method="post" action="/"><input name="text" required><button type="submit">Sign</button></form><ul>${items}</ul>`,
      );
    } catch (e) {
      return page(500, `<p>Database error: ${escapeHtml((e as Error).message)}</p>`);
    }
  }
}

registerApp({ repos: ["ghcr.io/kubebid/guestbook"], make: () => new GuestbookApp() });
