// The official nginx images' default site: /etc/nginx/conf.d/default.conf serves
// /usr/share/nginx/html (index.html, 50x.html) on port 80 (nginx-unprivileged: 8080, images.ts).
// Pages as the 1.27 images ship them (https://github.com/nginx/nginx/blob/master/docs/html/).
import { registerApp } from "../http-apps";
import { staticSiteApp } from "./static-site";

export const NGINX_VERSION = "1.27.3";

export const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const FIFTY_X = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
`;

const STATUS_TEXT: Record<number, string> = {
  404: "Not Found",
  405: "Not Allowed",
  413: "Request Entity Too Large",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out",
};

/** nginx's built-in error page (ngx_http_special_response.c); `signature` is "nginx" or "nginx/x.y.z". */
export function nginxErrorPage(status: number, signature: string): string {
  const title = `${status} ${STATUS_TEXT[status] ?? ""}`.trim();
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>${signature}</center>\r\n</body>\r\n</html>\r\n`;
}

registerApp({
  repos: ["docker.io/library/nginx", "docker.io/nginxinc/nginx-unprivileged"],
  make: () =>
    staticSiteApp({
      server: `nginx/${NGINX_VERSION}`,
      files: { "/": NGINX_WELCOME, "/index.html": NGINX_WELCOME, "/50x.html": FIFTY_X },
      errorPage: (status) => nginxErrorPage(status, `nginx/${NGINX_VERSION}`),
      fileHeaders: (body) => ({
        "last-modified": "Tue, 26 Nov 2024 15:55:00 GMT",
        etag: `"67460ed4-${Buffer.byteLength(body).toString(16)}"`,
      }),
    }),
});
