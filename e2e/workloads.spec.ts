import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { expect, test } from "./fixtures";
import { TenantDeployPage } from "./pages/tenant-pages";

// A tenant's two-service deployment on a simulated provider cluster, end to end through the deploy
// page: the "Web + PostgreSQL" template (a guestbook web service exposed over HTTP, PostgreSQL on a
// persistent volume, its password a secret). The web page opens through its public host (the
// simulator's ingress controller routes `web-<lease>.apps.<cluster>.localhost` to the pod, admitted by
// the lease's NetworkPolicy); a row written survives the database pod's replacement (its data is on the
// PersistentVolume); the password appears in no API response and no page KubeBid serves.

test("a web + PostgreSQL deployment is reachable on its public host and keeps its data; its secret never leaves", async ({
  page,
  wallet,
  stack,
}) => {
  test.setTimeout(300_000);
  const secret = `pw-${randomBytes(12).toString("hex")}`;
  const seen: { url: string; body: string }[] = [];
  page.on("response", async (res) => {
    const url = res.url();
    if (!url.startsWith(`${process.env.BASE_URL}/`)) return;
    const type = res.headers()["content-type"] ?? "";
    // Event streams never end; every other answer of ours is read whole.
    if (type.includes("text/event-stream")) return;
    try {
      seen.push({ url, body: await res.text() });
    } catch {
      // a response dropped by navigation: nothing to read
    }
  });
  const pageTexts: { url: string; html: string }[] = [];
  const keepPage = async () => pageTexts.push({ url: page.url(), html: await page.content() });

  await wallet.use(2);
  const deploy = new TenantDeployPage(page);
  await deploy.goto();
  await wallet.connect();
  await deploy.chooseTemplate("guestbook");
  // The template leaves the password empty: the form asks for it.
  await expect(page.locator('[id="m-secrets.0.value-error"]')).toBeVisible();
  await expect(page.getByTestId("deploy-submit")).toBeDisabled();
  await page.getByTestId("field-secrets.0.value").fill(secret);
  await deploy.setBidWindow(20);
  await expect(deploy.eligibleRows().first()).toBeVisible();
  await expect(page.getByText("Persistent volumes are deleted with all their data")).toBeVisible();
  // (The deploy page itself holds the value the tenant typed: it is not scanned.)
  await deploy.submit();
  await expect(page).toHaveURL(/\/orders\/\d+$/, { timeout: 60_000 });
  const leaseId = /\/orders\/(\d+)$/.exec(page.url())?.[1] ?? "";
  await keepPage();

  // Nobody accepts a bid: the keeper settles the order when its window ends, and the page moves on.
  await expect(page).toHaveURL(new RegExp(`/leases/${leaseId}$`), { timeout: 90_000 });
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("deploy-state")).toHaveText("running", { timeout: 120_000 });
  await expect(page.getByTestId("pod-phase")).toHaveCount(2);
  const webRow = page.getByTestId("public-url-row").filter({ hasText: "web" });
  const url = (await webRow.getByTestId("public-url").getAttribute("href")) ?? "";
  expect(url).toMatch(new RegExp(`^http://web-${leaseId}\\.apps\\.[a-z0-9-]+\\.localhost:\\d+/$`));
  // The database has no public URL: its port is internal to the deployment.
  await expect(page.getByTestId("public-url-row").filter({ hasText: "db" })).toHaveCount(0);
  await expect(webRow.getByTestId("reachability")).toHaveAttribute("data-state", "up", { timeout: 30_000 });
  await keepPage();

  // The tenant opens its public URL: the guestbook, served through the ingress, reading PostgreSQL.
  const app = await page.context().newPage();
  await app.goto(url);
  await expect(app.getByRole("heading", { name: "KubeBid guestbook" })).toBeVisible();
  const entry = `hello from lease ${leaseId}`;
  await app.locator('input[name="text"]').fill(entry);
  await app.getByRole("button", { name: "Sign" }).click();
  await expect(app.getByText(entry)).toBeVisible();

  // The provider's cluster replaces the database pod (as after a node drain or a crash): the
  // Deployment makes a new one, which mounts the same volume.
  const namespace = `kb-lease-${leaseId}`;
  const admins = readdirSync(stack.kubeconfigDir).filter((f) => f.endsWith(".admin.kubeconfig"));
  let core: CoreV1Api | null = null;
  for (const file of admins) {
    const kc = new KubeConfig();
    kc.loadFromFile(path.join(stack.kubeconfigDir, file));
    const api = kc.makeApiClient(CoreV1Api);
    const found = await api.readNamespace({ name: namespace }).then(
      () => true,
      () => false,
    );
    if (found) core = api;
  }
  if (!core) throw new Error(`no simulated cluster has namespace ${namespace}`);
  const dbPods = async () =>
    (await (core as CoreV1Api).listNamespacedPod({ namespace, labelSelector: "app.kubernetes.io/name=db" }))
      .items;
  const [before] = await dbPods();
  expect(before?.metadata?.name).toBeTruthy();
  await core.deleteNamespacedPod({ namespace, name: before?.metadata?.name as string });
  await expect
    .poll(
      async () =>
        (await dbPods()).some(
          (p) => p.metadata?.name !== before?.metadata?.name && p.status?.phase === "Running",
        ),
      {
        timeout: 60_000,
      },
    )
    .toBe(true);
  // The entry is still there once the new pod serves (the page errors while the database restarts).
  await expect(async () => {
    await app.reload();
    await expect(app.getByText(entry)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await app.close();

  // Every page and API answer of KubeBid the tenant saw: the password is in none of them. The lease
  // and order pages say it is set, nothing more.
  await page.reload();
  await expect(page.getByTestId("deploy-state")).toHaveText("running");
  await keepPage();
  // Each page once its data is on it (not "network idle": a running lease's page polls for good).
  await page.goto("/leases");
  await expect(page.getByTestId("lease-item").first()).toBeVisible();
  await keepPage();
  // The order page as the server sends it (in the browser it moves on to its lease after a second).
  const orderHtml = await page.request.get(`/orders/${leaseId}`);
  expect(orderHtml.status()).toBe(200);
  pageTexts.push({ url: `/orders/${leaseId}`, html: await orderHtml.text() });
  await page.goto(`/orders/${leaseId}`);
  await page.waitForURL(`**/leases/${leaseId}`);
  await expect(page.getByTestId("deploy-state")).toHaveText("running");
  await keepPage();
  await page.goto("/");
  await expect(page.getByTestId("market-totals")).toBeVisible();
  await keepPage();
  for (const api of [`/api/leases/${leaseId}`, `/api/leases/${leaseId}/status`, `/api/orders/${leaseId}`]) {
    const res = await page.request.get(api);
    expect(res.status(), api).toBe(200);
    seen.push({ url: api, body: await res.text() });
  }
  expect(seen.filter((s) => s.url.includes("/api/")).length).toBeGreaterThan(10);
  for (const s of seen) expect(s.body.includes(secret), `response of ${s.url}`).toBe(false);
  for (const p of pageTexts) expect(p.html.includes(secret), `page ${p.url}`).toBe(false);
});
