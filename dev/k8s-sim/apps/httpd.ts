// The official httpd image's htdocs (https://github.com/docker-library/httpd: the stock
// /usr/local/apache2/htdocs/index.html) on port 80, with Apache's own error pages.
import { registerApp } from "../http-apps";
import { staticSiteApp } from "./static-site";

export const HTTPD_INDEX = "<html><body><h1>It works!</h1></body></html>\n";

const ERRORS = {
  404: ["Not Found", "<p>The requested URL was not found on this server.</p>"],
  405: ["Method Not Allowed", "<p>The requested method is not allowed for this URL.</p>"],
} as const;

registerApp({
  repos: ["docker.io/library/httpd"],
  make: () =>
    staticSiteApp({
      server: "Apache/2.4.62 (Unix)",
      files: { "/": HTTPD_INDEX, "/index.html": HTTPD_INDEX },
      errorPage: (status) => {
        const [title, text] = ERRORS[status];
        return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} ${title}</title>\n</head><body>\n<h1>${title}</h1>\n${text}\n</body></html>\n`;
      },
    }),
});
