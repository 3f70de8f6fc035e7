import type { Locator, Page } from "@playwright/test";
import { stringify } from "yaml";
import { expect, test } from "./fixtures";
import { TenantDeployPage } from "./pages/tenant-pages";

// The deploy page refuses, before anything is signed, every kind of manifest kube-apiserver would
// refuse: each mistake, typed in the form or in the YAML view, shows the schema's message beside the
// field it is about (components/ui/field.tsx: `${controlId}-error`), and "Sign and submit" stays
// disabled until it is fixed. Signing itself is the tenant spec's; nothing here reaches the chain.

const errorAt = (page: Page, path: string) => page.locator(`[id="m-${path}-error"]`);
const field = (page: Page, path: string) => page.getByTestId(`field-${path}`);
const inService = (page: Page, i: number) => page.getByTestId(`service-${i}`);

async function expectBlocked(page: Page, path: string, message: string | RegExp) {
  await expect(errorAt(page, path)).toContainText(message);
  await expect(page.getByTestId("deploy-submit")).toBeDisabled();
}

async function start(page: Page, deploy: TenantDeployPage, submit: Locator) {
  await deploy.chooseTemplate("web");
  await expect(page.getByTestId("form-issues")).toBeHidden();
  await expect(submit).toBeEnabled();
}

test.describe("manifest errors on the deploy page", () => {
  test("each mistake typed in the form shows beside its field and blocks signing", async ({
    page,
    wallet,
  }) => {
    test.setTimeout(240_000);
    const deploy = new TenantDeployPage(page);
    await deploy.goto();
    await wallet.connect();
    const submit = page.getByTestId("deploy-submit");
    await expect(deploy.eligibleRows().first()).toBeVisible();

    const cases: [string, () => Promise<unknown>, string, string | RegExp][] = [
      [
        "a service name kube-apiserver refuses",
        () => field(page, "services.0.name").fill("Web"),
        "services.0.name",
        "lowercase letters",
      ],
      [
        "too little CPU",
        () => field(page, "services.0.resources.cpu").fill("5"),
        "services.0.resources.cpu",
        "at least 10m CPU",
      ],
      [
        "a port name over 15 characters",
        () => field(page, "services.0.ports.0.name").fill("a-very-long-name"),
        "services.0.ports.0.name",
        "at most 15 characters",
      ],
      [
        "a duplicate port",
        async () => {
          await inService(page, 0).getByRole("button", { name: "Add port" }).click();
          await field(page, "services.0.ports.1.port").fill("80");
        },
        "services.0.ports",
        "ports must be unique",
      ],
      [
        "HTTP exposure on a UDP port",
        () => field(page, "services.0.ports.0.protocol").selectOption("UDP"),
        "services.0.ports.0.expose",
        "expose http needs protocol TCP",
      ],
      [
        "a volume of 0 MiB",
        async () => {
          await inService(page, 0).getByRole("button", { name: "Add volume" }).click();
          await field(page, "services.0.volumes.0.size").fill("0");
        },
        "services.0.volumes.0.size",
        "a volume needs at least 1 MiB",
      ],
      [
        "a relative mount path",
        async () => {
          await inService(page, 0).getByRole("button", { name: "Add volume" }).click();
          await field(page, "services.0.volumes.0.mount").fill("var/data");
        },
        "services.0.volumes.0.mount",
        "an absolute path",
      ],
      [
        "a volume on a replicated service",
        async () => {
          await inService(page, 0).getByRole("button", { name: "Add volume" }).click();
          await field(page, "services.0.replicas").fill("2");
        },
        "services.0.replicas",
        "exactly 1 replica",
      ],
      [
        "a check on a port the service does not declare",
        async () => {
          await field(page, "services.0.readiness.kind").selectOption("tcp");
          await field(page, "services.0.readiness.tcp.port").fill("8080");
        },
        "services.0.readiness.tcp.port",
        "port 8080/TCP is not one of this service's ports",
      ],
      [
        "a liveness check with successThreshold 2",
        async () => {
          await field(page, "services.0.liveness.kind").selectOption("http");
          await page.getByTestId("advanced-services.0.liveness").click();
          await field(page, "services.0.liveness.successThreshold").fill("2");
        },
        "services.0.liveness.successThreshold",
        "must be 1 for a liveness check",
      ],
      [
        "two services of one name",
        async () => {
          await page.getByTestId("add-service").click();
          await field(page, "services.1.name").fill("web");
        },
        "services",
        "service names must be unique",
      ],
      [
        "a secret without a value",
        async () => {
          await page.getByTestId("secrets").getByRole("button", { name: "Add secret" }).click();
          await field(page, "secrets.0.name").fill("token");
        },
        "secrets.0.value",
        "enter a value for this secret",
      ],
    ];
    for (const [label, act, path, message] of cases) {
      await test.step(label, async () => {
        await start(page, deploy, submit);
        await act();
        await expectBlocked(page, path, message);
        // The list at the top names it too, and takes the tenant to the field.
        await expect(page.getByTestId("form-issues")).toContainText(path);
      });
    }

    // A secret's value: typed in a password field, accepted once set and used, shown back only as "set".
    await deploy.chooseTemplate("guestbook");
    await expectBlocked(page, "secrets.0.value", "enter a value for this secret");
    await expect(field(page, "secrets.0.value")).toHaveAttribute("type", "password");
    await field(page, "secrets.0.value").fill("correct horse battery");
    await expect(errorAt(page, "secrets.0.value")).toBeHidden();
    await expect(page.getByTestId("summary-secrets")).toHaveText("db-password: set");
    await expect(page.getByTestId("volume-warning")).toHaveText(
      "Persistent volumes are deleted with all their data when the lease closes.",
    );
    await page.getByTestId("view-yaml").click();
    await expect(page.getByTestId("manifest-editor")).not.toHaveValue(/correct horse battery/);
    await page.getByTestId("view-form").click();
  });

  test("each mistake written in YAML shows in the YAML view and beside its field in the form", async ({
    page,
    wallet,
  }) => {
    test.setTimeout(240_000);
    const deploy = new TenantDeployPage(page);
    await deploy.goto();
    await wallet.connect();
    const submit = page.getByTestId("deploy-submit");
    await expect(deploy.eligibleRows().first()).toBeVisible();
    await deploy.chooseTemplate("web");

    const service = (patch: Record<string, unknown>) => ({
      version: 2,
      name: "web",
      services: [
        {
          name: "web",
          image: "nginx:1.27",
          ports: [{ name: "http", port: 80, expose: "http" }],
          resources: { cpu: 500, memory: 512, storage: 1024 },
          ...patch,
        },
      ],
    });
    const cases: [string, unknown, string, string | RegExp][] = [
      [
        "a check without a handler",
        service({ readiness: { periodSeconds: 5 } }),
        "services.0.readiness",
        "a check needs exactly one of http, tcp or exec",
      ],
      [
        "a liveness successThreshold of 3",
        service({ liveness: { tcp: { port: 80 }, successThreshold: 3 } }),
        "services.0.liveness.successThreshold",
        "must be 1 for a liveness check",
      ],
      [
        "a port name without a letter",
        service({ ports: [{ name: "8080", port: 80, expose: "http" }] }),
        "services.0.ports.0.name",
        "must contain a letter",
      ],
      [
        "an env var from a secret that does not exist",
        service({ env: [{ name: "TOKEN", secret: "nope" }] }),
        "services.0.env.0.secret",
        'no secret named "nope"',
      ],
      [
        "a StorageClass name kube-apiserver refuses",
        service({ volumes: [{ name: "data", mount: "/data", size: 1024, storageClass: "Fast SSD" }] }),
        "services.0.volumes.0.storageClass",
        "a StorageClass name",
      ],
      [
        "a mount inside another volume's",
        service({
          volumes: [
            { name: "data", mount: "/data", size: 1024, storageClass: "standard" },
            { name: "logs", mount: "/data/logs", size: 64, storageClass: "standard" },
          ],
        }),
        "services.0.volumes.1.mount",
        'is inside the mount of volume "data"',
      ],
      [
        "a second public HTTP port",
        service({
          ports: [
            { port: 80, expose: "http" },
            { port: 81, expose: "http" },
          ],
        }),
        "services.0.ports.1.expose",
        "one public HTTP port",
      ],
    ];
    for (const [label, manifest, path, message] of cases) {
      await test.step(label, async () => {
        await page.getByTestId("view-yaml").click();
        await page.getByTestId("manifest-editor").fill(stringify(manifest));
        await expect(page.getByTestId("manifest-issues")).toContainText(`${path}: `);
        await expect(page.getByTestId("manifest-issues")).toContainText(message);
        await expect(submit).toBeDisabled();
        await page.getByTestId("view-form").click();
        await expectBlocked(page, path, message);
      });
    }

    // Text that does not parse keeps the last draft, and signing waits until it parses again.
    await page.getByTestId("view-yaml").click();
    await page.getByTestId("manifest-editor").fill(stringify(service({})));
    await expect(submit).toBeEnabled();
    await page.getByTestId("manifest-editor").fill("version: 2\nservices: [unclosed");
    await expect(page.getByText("YAML does not parse")).toBeVisible();
    await expect(submit).toBeDisabled();
    await page.getByTestId("manifest-editor").fill(stringify(service({})));
    await expect(submit).toBeEnabled();
  });
});
