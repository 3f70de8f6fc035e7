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
  // text/plain so Playwright sends the broken body as it is (it would JSON-encode it otherwise).
  const res = await request.post("/api/auth/verify", {
    data: "{not json",
    headers: { "content-type": "text/plain" },
  });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.message).toMatch(/JSON/);
  const missing = await request.post("/api/auth/verify", { data: { message: "hello" } });
  expect(missing.status()).toBe(400);
  expect((await missing.json()).error.message).toMatch(/signature/);
});
