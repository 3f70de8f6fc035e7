import { type Address, createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { devRoles } from "../lib/chain/dev-accounts";
import { computeMarketAbi } from "../lib/chain/generated/contracts";
import { toBytes32Text } from "../lib/chain/order-types";
import { expect, test } from "./fixtures";
import { acceptBestBid, createOrder } from "./helpers/create-order";

// The lease shell: a tenant's lease (ordered and accepted on chain by the e2e wallet 2, with its
// manifest uploaded), then in the browser: sign in, open the Shell panel, run `env` in the nginx
// container and see the manifest's variable; on a phone-sized viewport the terminal still fits; closing
// the lease closes the shell with its reason. No CSP violation on the way (xterm writes <style>s).

test("the tenant opens a shell in its running container, runs env, and the shell closes with the lease", async ({
  page,
  wallet,
  stack,
}) => {
  test.setTimeout(240_000);
  const tenant = privateKeyToAccount(devRoles.e2e[2].privateKey);
  const transport = http(stack.rpcUrl);
  const client = createPublicClient({ transport });
  const chainWallet = createWalletClient({ account: tenant, transport });
  const market = stack.marketAddress as Address;

  const orderId = await createOrder({
    rpcUrl: stack.rpcUrl,
    marketAddress: market,
    tokenAddress: stack.tokenAddress as Address,
    tenantKey: devRoles.e2e[2].privateKey,
    maxPricePerHour: 2_000_000n,
    manifest: {
      name: "shell",
      image: "nginx:1.27",
      resources: { cpu: 250, memory: 256 },
      ports: [{ port: 80 }],
      env: [{ name: "SHELL_E2E", value: "hello-from-the-manifest" }],
    },
  });
  // The seeded providers' bid engine bids; the tenant accepts the best bid (the lease has the order's id).
  await acceptBestBid({
    rpcUrl: stack.rpcUrl,
    marketAddress: market,
    orderId,
    tenantKey: devRoles.e2e[2].privateKey,
  });

  const csp: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to apply/i.test(m.text())) csp.push(m.text());
  });
  await wallet.use(2);
  await page.goto(`/leases/${orderId}`);
  await wallet.connect();
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("deploy-state")).toHaveText("running", { timeout: 90_000 });

  const shell = page.getByTestId("shell");
  await expect(shell.getByTestId("shell-container")).toHaveValue("shell", { timeout: 30_000 });
  await shell.getByTestId("shell-connect").click();
  await expect(shell.getByTestId("shell-state")).toContainText("Connected", { timeout: 20_000 });
  const terminal = shell.getByTestId("shell-terminal");
  await expect(terminal).toContainText("/ #");
  await page.keyboard.type("env");
  await page.keyboard.press("Enter");
  await expect(terminal).toContainText("SHELL_E2E=hello-from-the-manifest");
  await expect(terminal).toContainText("KUBERNETES_SERVICE_HOST=");

  // A phone: the terminal shrinks with its card (fit), and keeps working.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect
    .poll(() => terminal.locator(".xterm-screen").evaluate((el) => el.getBoundingClientRect().width))
    .toBeLessThanOrEqual(390);
  const podName = await shell.getByTestId("shell-pod").inputValue();
  await page.keyboard.type("echo phone-$HOSTNAME-ok");
  await page.keyboard.press("Enter");
  await expect(terminal).toContainText(`phone-${podName}-ok`);
  await page.setViewportSize({ width: 1280, height: 900 });

  // The lease ends (the tenant closes it on chain): the open shell closes, with the reason.
  const close = await client.simulateContract({
    account: tenant,
    address: market,
    abi: computeMarketAbi,
    functionName: "closeLease",
    args: [orderId, toBytes32Text("shell e2e")],
  });
  await client.waitForTransactionReceipt({
    hash: await chainWallet.writeContract({ ...close.request, chain: null }),
  });
  await expect(page.getByTestId("lease-status")).toHaveText("closed", { timeout: 30_000 });
  await expect(shell.getByTestId("shell-state")).toHaveText("Closed: This lease has ended.", {
    timeout: 20_000,
  });
  await expect(terminal).toContainText("SHELL_E2E=hello-from-the-manifest");
  expect(csp, "CSP violations in the console").toEqual([]);
});
