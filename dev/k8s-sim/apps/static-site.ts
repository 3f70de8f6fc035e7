// Shared by the web-server image models (nginx, httpd): a fixed set of files served on the ports the
// image model lists (images.ts), GET and HEAD only, the server's own 404/405 pages otherwise.
import type { AppContext, ContainerApp, HttpRequest, HttpResponse } from "../http-apps";
import { imageProfile } from "../images";
import type { Obj } from "../util";

export interface StaticSite {
  server: string;
  /** Path → HTML body. */
  files: Record<string, string>;
  /** The server's error page for a status. */
  errorPage(status: 404 | 405): string;
  /** Extra headers of a file response (e.g. ETag). */
  fileHeaders?(body: string): Record<string, string>;
}

export function containerSpec(ctx: AppContext): Obj {
  return (ctx.pod.spec?.containers ?? []).find((c: Obj) => c.name === ctx.container) ?? {};
}

function answer(site: StaticSite, req: HttpRequest): HttpResponse {
  const path = (req.path.split("?")[0] ?? "/").replace(/^$/, "/");
  const html = (status: number, body: string, extra: Record<string, string> = {}): HttpResponse => ({
    status,
    headers: {
      server: site.server,
      "content-type": "text/html",
      "content-length": String(Buffer.byteLength(body)),
      ...extra,
    },
    body: req.method === "HEAD" ? "" : body,
  });
  const file = site.files[path];
  if (file === undefined) return html(404, site.errorPage(404));
  if (req.method !== "GET" && req.method !== "HEAD") return html(405, site.errorPage(405));
  return html(200, file, { "accept-ranges": "bytes", ...(site.fileHeaders?.(file) ?? {}) });
}

/** An app serving `site` on the image model's ports. */
export function staticSiteApp(site: StaticSite): ContainerApp {
  return {
    listens: (ctx) => imageProfile(String(containerSpec(ctx).image ?? "")).ports,
    http: async (port, req, ctx) => {
      if (!imageProfile(String(containerSpec(ctx).image ?? "")).ports.includes(port))
        throw new Error(`nothing listens on ${port}`);
      return answer(site, req);
    },
  };
}
