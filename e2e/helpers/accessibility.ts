import { mkdirSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

// The accessibility and phone checks every page goes through: axe-core's full rule set (WCAG 2.x
// A/AA plus best practices), of which any serious or critical violation fails the test; and at
// 390 px, a page that never scrolls sideways (tables scroll inside their card) and badges on one
// line. Phone screenshots of both themes go to e2e/screenshots/phone/ (committed, to review by eye).

export const DESKTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };
export type Theme = "light" | "dark";

const SHOTS = "e2e/screenshots/phone";

/** Loads `url` in a theme (as the site stores it) at a viewport, then waits for `ready`. */
export async function openIn(
  page: Page,
  url: string,
  opts: { theme: Theme; viewport: { width: number; height: number }; ready: (page: Page) => Promise<void> },
): Promise<void> {
  await page.setViewportSize(opts.viewport);
  // The theme is stored where the site keeps it (read before first paint), from any page of the site.
  if (!page.url().startsWith("http")) await page.goto("/");
  await page.evaluate((theme) => window.localStorage.setItem("kubebid.theme", theme), opts.theme);
  await page.goto(url);
  await expect(page.locator("html")).toHaveClass(opts.theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
  await opts.ready(page);
}

/** axe-core's serious and critical violations on the page as it is, one line each. */
export async function seriousViolations(page: Page, where: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) on ${v.nodes.length} element(s), e.g. ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(" ")} ${n.failureSummary?.split("\n")[1]?.trim() ?? ""}`)
          .join(" | ")}`,
    );
}

/** At phone width: nothing makes the page scroll sideways, and every badge stays on one line. */
export async function phoneLayoutProblems(page: Page, where: string): Promise<string[]> {
  return page.evaluate((where) => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth) {
      // Name the outermost elements that stick out (their parent does not), so the fix is findable.
      const out = [...document.body.querySelectorAll<HTMLElement>("*")]
        .filter((el) => {
          const right = el.getBoundingClientRect().right;
          const parent = el.parentElement?.getBoundingClientRect().right ?? 0;
          return right > window.innerWidth + 1 && parent <= window.innerWidth + 1;
        })
        .slice(0, 3)
        .map(
          (el) => `<${el.tagName.toLowerCase()} class="${el.className}"> "${el.textContent?.slice(0, 40)}"`,
        );
      problems.push(
        `${where}: the page is ${root.scrollWidth}px wide on a ${window.innerWidth}px screen: ${out.join(", ")}`,
      );
    }
    for (const badge of document.querySelectorAll<HTMLElement>("[data-badge]")) {
      const box = badge.getBoundingClientRect();
      if (box.height > 0 && box.height > 28)
        problems.push(`${where}: badge "${badge.textContent}" wraps (${box.height}px)`);
    }
    return problems;
  }, where);
}

export async function phoneScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true, animations: "disabled" });
}

/**
 * The page at 1366 and 390 px in both themes: axe finds nothing serious, the phone layout holds,
 * and (with `shot`) a phone screenshot per theme. Returns the problems, so a caller can check
 * several pages and report them all at once.
 */
export async function checkEverywhere(
  page: Page,
  url: string,
  opts: { name: string; ready: (page: Page) => Promise<void>; shot?: boolean },
): Promise<string[]> {
  const problems: string[] = [];
  // Ends light at 1366 px, as a test that goes on with the page expects it.
  for (const theme of ["dark", "light"] as const) {
    for (const viewport of [PHONE, DESKTOP]) {
      const where = `${opts.name} (${theme}, ${viewport.width}px)`;
      await openIn(page, url, { theme, viewport, ready: opts.ready });
      problems.push(...(await seriousViolations(page, where)));
      if (viewport === PHONE) {
        problems.push(...(await phoneLayoutProblems(page, where)));
        if (opts.shot !== false) await phoneScreenshot(page, `${opts.name}-${theme}`);
      }
    }
  }
  return problems;
}
