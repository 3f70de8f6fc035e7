import { expect, test } from "./fixtures";

test("the home page renders the market with navigation and theme toggle", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Market", level: 1 })).toBeVisible();
  for (const name of ["Market", "Deploy", "Leases", "Provider"]) {
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name })).toBeVisible();
  }
  const html = page.locator("html");
  const wasDark = (await html.getAttribute("class"))?.includes("dark") ?? false;
  await page.getByTestId("theme-toggle").click();
  await expect(html).toHaveClass(wasDark ? /^(?!.*dark).*$/ : /dark/);
  await page.reload();
  await expect(html).toHaveClass(wasDark ? /^(?!.*dark).*$/ : /dark/);
});

test("the test wallet connects and shows its address", async ({ page, wallet }) => {
  const address = await wallet.use(1);
  await page.goto("/");
  await wallet.connect();
  await expect(page.getByTestId("wallet-address")).toHaveAttribute("title", address);
  // The connection survives a reload (cookie storage, rendered on the server).
  await page.reload();
  await expect(page.getByTestId("wallet-address")).toHaveAttribute("title", address);
  await page.getByTestId("wallet-disconnect").click();
  await expect(page.getByTestId("wallet-connect")).toBeVisible();
});

test("disconnecting the wallet also ends the sign-in session", async ({ page, wallet }) => {
  await wallet.use(1);
  await page.goto("/provider");
  await wallet.connect();
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("wallet-address")).toHaveAttribute("data-signed-in", "true");
  expect((await (await page.request.get("/api/auth/session")).json()).address).toBe(
    "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f",
  );
  await page.getByTestId("wallet-disconnect").click();
  await expect(page.getByTestId("wallet-connect")).toBeVisible();
  await expect(async () => {
    expect((await (await page.request.get("/api/auth/session")).json()).address).toBeNull();
  }).toPass({ timeout: 10_000 });
});

test("health is green with database, chain and the seeded clusters", async ({ request, stack }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.status).toBe("ok");
  expect(body.database.ok).toBe(true);
  expect(body.chain).toMatchObject({ ok: true, chainId: stack.chainId });
  expect(body.chain.market.toLowerCase()).toBe(stack.marketAddress.toLowerCase());
  expect(body.clusters.length).toBeGreaterThan(0);
});

test("an unknown route gives a proper 404 page", async ({ page }) => {
  const res = await page.goto("/no/such/page");
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toBeVisible();
  await page.getByRole("link", { name: "Back to the market" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("bad API input gets a clear 4xx JSON error", async ({ request }) => {
  // A Buffer is sent as it is (Playwright JSON-encodes a string or an object under application/json).
  const res = await request.post("/api/auth/verify", {
    data: Buffer.from("{not json"),
    headers: { "content-type": "application/json" },
  });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.message).toMatch(/JSON/);
  const notJson = await request.post("/api/auth/verify", {
    data: Buffer.from('{"message":"x","signature":"0x00"}'),
    headers: { "content-type": "text/plain" },
  });
  expect(notJson.status()).toBe(415);
  expect((await notJson.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  const missing = await request.post("/api/auth/verify", { data: { message: "hello" } });
  expect(missing.status()).toBe(400);
  expect((await missing.json()).error.message).toMatch(/signature/);
});

test("every page and API response carries the security headers, and the CSP blocks nothing the app does", async ({
  page,
  request,
  wallet,
  stack,
}) => {
  // Every CSP violation in any page of this test, as the browser reports it.
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const consoleViolations: string[] = [];
  page.on("console", (msg) => {
    if (/Content[ -]Security[ -]Policy/i.test(msg.text())) consoleViolations.push(msg.text());
  });
  const violations = () =>
    page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

  const expectHeaders = (headers: Record<string, string>) => {
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(
      new RegExp(`connect-src 'self' ${new URL(stack.rpcUrl).origin.replace(/[.]/g, "\\.")}`),
    );
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"]).toContain("camera=()");
    expect(headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    return csp;
  };

  await wallet.use(1);
  const first = await page.goto("/");
  const firstCsp = expectHeaders(first?.headers() ?? {});
  const second = await page.goto("/");
  // A fresh nonce per response.
  expect(expectHeaders(second?.headers() ?? {})).not.toBe(firstCsp);
  // (The inline theme script carries the nonce: were it blocked, the browser would report it below.)

  await page.goto("/provider");
  await wallet.connect();
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("wallet-address")).toHaveAttribute("data-signed-in", "true");
  expect(await violations()).toEqual([]);
  for (const path of ["/", "/deploy", "/leases", "/provider/onboard"]) {
    const res = await page.goto(path);
    expectHeaders(res?.headers() ?? {});
    await page.waitForLoadState("networkidle");
    expect(await violations(), path).toEqual([]);
  }
  expect(consoleViolations).toEqual([]);

  for (const path of ["/api/health", "/api/market", "/api/auth/session", "/api/no-such-route"]) {
    expectHeaders((await request.get(path)).headers());
  }
});
