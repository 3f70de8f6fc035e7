import type { Address } from "viem";
import { devRoles } from "../lib/chain/dev-accounts";
import type { ManifestInput } from "../lib/market/manifest";
import { deployTemplates } from "../lib/market/templates";
import { expect, test } from "./fixtures";
import { acceptBestBid, createOrder } from "./helpers/create-order";

// Updating a running lease: the web template (nginx:1.27) ordered and accepted on chain by the e2e
// wallet 2 with its manifest stored; in the browser the tenant edits the image to nginx:1.28, signs the
// LeaseUpdate in the wallet (the server relays it), watches the new revision roll out and become current
// in the history, then rolls back to revision 0 (a third revision of the first hash).

test("the tenant updates the image of a running lease, sees the revision roll out, and rolls back", async ({
  page,
  wallet,
  stack,
}) => {
  test.setTimeout(300_000);
  const market = stack.marketAddress as Address;
  const template = deployTemplates.find((t) => t.id === "web");
  if (!template) throw new Error("no web template");

  const orderId = await createOrder({
    rpcUrl: stack.rpcUrl,
    marketAddress: market,
    tokenAddress: stack.tokenAddress as Address,
    tenantKey: devRoles.e2e[2].privateKey,
    maxPricePerHour: 2_000_000n,
    manifest: template.manifest as ManifestInput,
  });
  // The seeded providers' bid engine bids; the tenant accepts the best bid.
  await acceptBestBid({
    rpcUrl: stack.rpcUrl,
    marketAddress: market,
    orderId,
    tenantKey: devRoles.e2e[2].privateKey,
  });

  await wallet.use(2);
  await page.goto(`/leases/${orderId}`);
  await wallet.connect();
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("deploy-state")).toHaveText("running", { timeout: 90_000 });

  const panel = page.getByTestId("edit-deployment");
  await expect(panel.getByTestId("revision-0")).toContainText("current");
  await panel.getByTestId("edit-deployment-open").click();
  const image = panel.getByTestId("field-services.0.image");
  await expect(image).toHaveValue("nginx:1.27");
  await image.fill("nginx:1.28");
  await panel.getByTestId("update-sign").click();
  await expect(panel.getByTestId("update-message")).toHaveText(
    "Updated: revision 1 is on chain; rolling it out.",
    { timeout: 30_000 },
  );
  // The indexer records the revision; the controller rolls it out and the pods run the new image.
  await expect(panel.getByTestId("revision-1")).toContainText("current", { timeout: 30_000 });
  await expect(panel.getByTestId("revision-0")).not.toContainText("current");
  await expect(panel.getByTestId("rollout-progress")).toHaveCount(0, { timeout: 90_000 });
  await expect(page.getByTestId("deploy-state")).toHaveText("running", { timeout: 90_000 });
  await expect(page.getByTestId("deployment-image-web")).toHaveText("nginx:1.28", { timeout: 30_000 });

  // Roll back to revision 0: a new revision (2) of the order's hash.
  await panel.getByTestId("rollback-0").click();
  await expect(panel.getByTestId("update-message")).toHaveText(
    "Rolled back to #0: revision 2 is on chain; rolling it out.",
    { timeout: 30_000 },
  );
  await expect(panel.getByTestId("revision-2")).toContainText("current", { timeout: 30_000 });
  await expect(page.getByTestId("deployment-image-web")).toHaveText("nginx:1.27", { timeout: 30_000 });
  await expect(panel.getByTestId("rollout-progress")).toHaveCount(0, { timeout: 90_000 });
});
