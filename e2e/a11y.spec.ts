import { expect, test } from "./fixtures";
import { checkEverywhere, DESKTOP, openIn, PHONE, phoneScreenshot } from "./helpers/accessibility";
import { TenantDeployPage } from "./pages/tenant-pages";

// Phones and accessibility. Every page (market, deploy, an auction, the leases, a running lease,
// the provider console, the onboarding wizard, a provider's public page, the API reference, 404) in both themes at 1366 and 390 px: axe-core
// finds no serious or critical violation, the page never scrolls sideways, badges stay whole, and
// the phone screenshots are saved. Then the keyboard: the header's phone menu, the wallet menu
// (WAI-ARIA menu button) and the deploy page's Form/YAML/JSON tabs; the fields' focus ring; the
// favicon; and which pages may be kept by the browser's back/forward cache.

test.describe("phones and accessibility", () => {
  test("every page in both themes at 1366 and 390 px: no serious or critical axe violation, no sideways scroll", async ({
    page,
    wallet,
  }) => {
    test.setTimeout(480_000);
    await wallet.use(2);
    await page.setViewportSize(DESKTOP);
    await page.goto("/leases");
    await wallet.connect();
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("leases-sign-in")).toBeHidden({ timeout: 20_000 });

    // An order and a lease of this wallet's own, through the deploy page, so the auction and the
    // lease are scanned with their content (bids; pods, charts, logs). A long bid window leaves time
    // to scan the auction before accepting the best bid.
    const deploy = new TenantDeployPage(page);
    await deploy.goto();
    await deploy.chooseTemplate("web");
    await deploy.setBidWindow(120);
    await expect(deploy.eligibleRows().first()).toBeVisible();
    await deploy.submit();
    await expect(page).toHaveURL(/\/orders\/\d+$/, { timeout: 60_000 });
    const orderId = /\/orders\/(\d+)$/.exec(page.url())?.[1] ?? "";

    const problems: string[] = [];
    problems.push(
      ...(await checkEverywhere(page, `/orders/${orderId}`, {
        name: "order",
        ready: (p) => expect(p.getByTestId("bid-row").first()).toBeVisible({ timeout: 30_000 }),
      })),
    );
    await openIn(page, `/orders/${orderId}`, {
      theme: "light",
      viewport: DESKTOP,
      ready: (p) => expect(p.getByTestId("accept-bid")).toBeEnabled(),
    });
    await page.getByTestId("accept-bid").click();
    await expect(page).toHaveURL(new RegExp(`/leases/${orderId}$`), { timeout: 30_000 });

    problems.push(
      ...(await checkEverywhere(page, `/leases/${orderId}`, {
        name: "lease",
        ready: async (p) => {
          await expect(p.getByTestId("deploy-state")).toHaveText("running", { timeout: 60_000 });
          await expect(p.getByTestId("pod-row").first()).toBeVisible();
          await expect(p.getByTestId("cpu-chart").first()).toBeVisible({ timeout: 20_000 });
        },
      })),
    );
    // The pods table is wider than a phone: it scrolls inside its card, as a named, focusable region.
    await openIn(page, `/leases/${orderId}`, {
      theme: "light",
      viewport: PHONE,
      ready: (p) => expect(p.getByTestId("pod-row").first()).toBeVisible({ timeout: 30_000 }),
    });
    const pods = page.getByRole("region", { name: "Pods" });
    await expect(pods).toHaveAttribute("tabindex", "0");
    expect(await pods.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);

    // A seeded provider's public page, reached the way a tenant does: its link in the providers table.
    await page.goto("/");
    const providerPage = await page
      .getByTestId("provider-link")
      .first()
      .getAttribute("href", { timeout: 30_000 });
    expect(providerPage).toMatch(/^\/providers\/0x[0-9a-f]{40}$/);

    const pages: { url: string; name: string; ready: (p: typeof page) => Promise<void> }[] = [
      {
        url: "/",
        name: "market",
        ready: (p) => expect(p.getByTestId("provider-row").first()).toBeVisible({ timeout: 30_000 }),
      },
      {
        url: "/deploy",
        name: "deploy",
        ready: (p) => expect(p.getByTestId("screening-row").first()).toBeVisible(),
      },
      {
        url: "/leases",
        name: "leases",
        ready: (p) => expect(p.getByTestId("lease-item").first()).toBeVisible(),
      },
      {
        url: "/provider",
        name: "provider",
        ready: (p) =>
          expect(p.getByTestId("provider-empty").or(p.getByTestId("provider-console"))).toBeVisible(),
      },
      {
        url: "/provider/onboard",
        name: "onboard",
        ready: (p) => expect(p.getByTestId("wizard-step-title")).toBeVisible(),
      },
      {
        url: providerPage ?? "/providers/none",
        name: "provider-page",
        ready: (p) => expect(p.getByTestId("provider-profile")).toBeVisible(),
      },
      {
        url: "/api-docs",
        name: "api-docs",
        ready: (p) => expect(p.getByTestId("api-operation").first()).toBeVisible(),
      },
      {
        url: "/no/such/page",
        name: "not-found",
        ready: (p) => expect(p.getByTestId("not-found")).toBeVisible(),
      },
    ];
    for (const p of pages) problems.push(...(await checkEverywhere(page, p.url, p)));

    expect(problems, problems.join("\n")).toEqual([]);
  });

  test("at 390 px the header folds into a menu that reaches every page and the wallet", async ({
    page,
    wallet,
  }) => {
    await wallet.use(1);
    await page.setViewportSize(PHONE);
    await page.goto("/");
    const nav = page.getByRole("navigation", { name: "Main" });
    const toggle = page.getByTestId("menu-toggle");
    await expect(nav.getByRole("link", { name: "Provider" })).toBeHidden();
    await expect(page.getByTestId("wallet-connect")).toBeHidden();
    await expect(toggle).toHaveAccessibleName("Menu");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");

    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    for (const name of ["Market", "Deploy", "Leases", "Provider"])
      await expect(nav.getByRole("link", { name })).toBeVisible();
    await expect(page.getByTestId("wallet-connect")).toBeVisible();
    await phoneScreenshot(page, "menu-open-light");
    // Escape closes it and gives focus back to the toggle.
    await page.keyboard.press("Escape");
    await expect(nav.getByRole("link", { name: "Provider" })).toBeHidden();
    await expect(toggle).toBeFocused();

    // The wallet connects from inside the menu.
    await toggle.click();
    await wallet.connect();
    await expect(page.getByTestId("wallet-disconnect")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    // A link goes to its page and folds the menu.
    await nav.getByRole("link", { name: "Provider" }).click();
    await expect(page).toHaveURL(/\/provider$/);
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(nav.getByRole("link", { name: "Provider" })).toBeHidden();
  });

  test("the wallet menu works with the keyboard (menu button pattern)", async ({ page, wallet }) => {
    await wallet.use(1);
    await page.setViewportSize(DESKTOP);
    await page.goto("/");
    const button = page.getByTestId("wallet-connect");
    const menu = page.getByRole("menu");
    const injected = page.getByTestId("connector-injected");
    const mock = page.getByTestId("connector-mock");
    await expect(button).toHaveAttribute("aria-haspopup", "menu");

    await button.focus();
    await page.keyboard.press("ArrowDown");
    await expect(menu).toBeVisible();
    await expect(button).toHaveAttribute("aria-expanded", "true");
    await expect(injected).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await expect(mock).toBeFocused();
    await page.keyboard.press("ArrowDown"); // wraps
    await expect(injected).toBeFocused();
    await page.keyboard.press("ArrowUp"); // wraps back
    await expect(mock).toBeFocused();
    await page.keyboard.press("Home");
    await expect(injected).toBeFocused();
    await page.keyboard.press("End");
    await expect(mock).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(menu).toBeHidden();
    await expect(button).toBeFocused();
    await expect(button).toHaveAttribute("aria-expanded", "false");

    for (const key of ["Enter", " "]) {
      await page.keyboard.press(key);
      await expect(injected).toBeFocused();
      await page.keyboard.press("Escape");
      await expect(menu).toBeHidden();
    }
    await page.keyboard.press("ArrowUp"); // opens on the last item
    await expect(mock).toBeFocused();
    // Tab leaves the menu and closes it.
    await page.keyboard.press("Tab");
    await expect(menu).toBeHidden();

    await button.focus();
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("wallet-address")).toBeVisible();
  });

  test("the deploy page's Form/YAML/JSON tabs follow the tabs pattern and own their panel", async ({
    page,
  }) => {
    await page.setViewportSize(DESKTOP);
    await page.goto("/deploy");
    const tab = (name: string) => page.getByRole("tab", { name });
    const panel = page.getByRole("tabpanel");
    await expect(page.getByRole("tablist", { name: "Edit the workload as" })).toBeVisible();
    await expect(tab("Form")).toHaveAttribute("aria-selected", "true");
    await expect(panel).toHaveAccessibleName("Form");
    await expect(panel.getByTestId("field-services.0.image")).toBeVisible();
    // Only the selected tab is in the tab order.
    await expect(tab("YAML")).toHaveAttribute("tabindex", "-1");

    await tab("Form").focus();
    await page.keyboard.press("ArrowRight");
    await expect(tab("YAML")).toBeFocused();
    await expect(tab("YAML")).toHaveAttribute("aria-selected", "true");
    await expect(tab("Form")).toHaveAttribute("aria-selected", "false");
    await expect(panel).toHaveAccessibleName("YAML");
    await expect(panel.getByTestId("manifest-editor")).toHaveValue(/image: nginx/);
    await page.keyboard.press("ArrowRight");
    await expect(tab("JSON")).toBeFocused();
    await expect(panel.getByTestId("manifest-editor")).toHaveValue(/"image": "nginx/);
    await page.keyboard.press("ArrowRight"); // wraps to the first tab
    await expect(tab("Form")).toBeFocused();
    await expect(panel.getByTestId("field-services.0.image")).toHaveValue(/nginx/);
    await page.keyboard.press("ArrowLeft"); // wraps to the last tab
    await expect(tab("JSON")).toHaveAttribute("aria-selected", "true");
    await page.keyboard.press("Home");
    await expect(tab("Form")).toHaveAttribute("aria-selected", "true");
    await page.keyboard.press("End");
    await expect(tab("JSON")).toHaveAttribute("aria-selected", "true");
    for (const name of ["Form", "YAML", "JSON"])
      await expect(tab(name)).toHaveAttribute("aria-controls", (await panel.getAttribute("id")) ?? "");
  });

  test("a focused field shows a ring at 3:1 or more against its background, in both themes", async ({
    page,
  }) => {
    for (const theme of ["light", "dark"] as const) {
      await openIn(page, "/deploy", {
        theme,
        viewport: DESKTOP,
        ready: (p) => expect(p.getByTestId("field-services.0.image")).toBeVisible(),
      });
      const field = page.getByTestId("field-services.0.image");
      await field.focus();
      const contrast = await field.evaluate((el) => {
        // Any CSS colour (Tailwind 4 writes oklch) to sRGB, through a canvas.
        const ctx = document.createElement("canvas").getContext("2d") as CanvasRenderingContext2D;
        const rgb = (color: string) => {
          ctx.clearRect(0, 0, 1, 1);
          ctx.fillStyle = color;
          ctx.fillRect(0, 0, 1, 1);
          return [...ctx.getImageData(0, 0, 1, 1).data].slice(0, 3);
        };
        const luminance = (c: number[]) => {
          const [r, g, b] = c.map((v) => {
            const s = v / 255;
            return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          }) as [number, number, number];
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        // Chrome computes each shadow as "<colour> <x> <y> <blur> <spread>"; the ring is the one
        // with a spread (Tailwind's `ring-2`: 0 0 0 2px). Split at top-level commas only.
        const ring = getComputedStyle(el)
          .boxShadow.split(/,(?![^(]*\))/)
          .map((s) => /^(.*?)\s+(-?[\d.]+)px\s+(-?[\d.]+)px\s+(-?[\d.]+)px\s+(-?[\d.]+)px$/.exec(s.trim()))
          .find((m) => m && Number(m[5]) > 0 && !/rgba\(0, 0, 0, 0\)/.test(m[1] ?? ""));
        if (!ring?.[1]) return 0;
        const color = ring[1];
        let node: HTMLElement | null = el.parentElement;
        let background = "rgb(255, 255, 255)";
        while (node) {
          const bg = getComputedStyle(node).backgroundColor;
          if (bg && bg !== "rgba(0, 0, 0, 0)" && bg !== "transparent") {
            background = bg;
            break;
          }
          node = node.parentElement;
        }
        const [a, b] = [luminance(rgb(color)), luminance(rgb(background))].sort((x, y) => y - x) as [
          number,
          number,
        ];
        return (a + 0.05) / (b + 0.05);
      });
      expect(contrast, `${theme} focus ring contrast`).toBeGreaterThanOrEqual(3);
    }
  });

  test("a favicon, and public pages that the back/forward cache may keep", async ({ page, request }) => {
    const icon = await request.get("/icon.svg");
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toContain("image/svg+xml");
    await page.goto("/");
    await expect(page.locator('head link[rel="icon"]')).toHaveAttribute("href", /icon\.svg/);

    for (const path of ["/", "/deploy"]) {
      const cacheControl = (await request.get(path)).headers()["cache-control"] ?? "";
      expect(cacheControl, path).toContain("no-cache");
      expect(cacheControl, path).not.toContain("no-store");
    }
    // A lease list is private: never stored.
    expect((await request.get("/leases")).headers()["cache-control"]).toContain("no-store");
  });
});
