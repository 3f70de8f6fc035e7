import { expect, type Page } from "@playwright/test";

// Page object of the onboarding wizard (/provider/onboard).

export class ProviderOnboardPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/provider/onboard");
  }

  async expectStep(n: number) {
    await expect(this.page.getByTestId(`wizard-step-${n}`)).toHaveAttribute("data-state", "current");
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
  }

  async signIn() {
    await this.page.getByTestId("sign-in").click();
    await expect(this.page.getByTestId("sign-in")).toBeHidden({ timeout: 20_000 });
  }

  next() {
    return this.page.getByTestId("wizard-next").click();
  }

  back() {
    return this.page.getByTestId("wizard-back").click();
  }

  async fillProfile(p: { name: string; website: string; contact: string; region: string }) {
    await this.page.getByTestId("profile-name").fill(p.name);
    await this.page.getByTestId("profile-website").fill(p.website);
    await this.page.getByTestId("profile-contact").fill(p.contact);
    await this.page.getByTestId("profile-region").fill(p.region);
  }

  async pasteKubeconfig(yaml: string) {
    await this.page.getByTestId("kubeconfig-input").fill(yaml);
    await this.page.getByTestId("kubeconfig-submit").click();
  }

  kubeconfigError() {
    return this.page.getByTestId("kubeconfig-error");
  }

  verifyStatus() {
    return this.page.getByTestId("verify-status");
  }

  async setPrices(p: { cpu: string; mem: string; storage: string }) {
    await this.page.getByTestId("pricing-cpu").fill(p.cpu);
    await this.page.getByTestId("pricing-mem").fill(p.mem);
    await this.page.getByTestId("pricing-storage").fill(p.storage);
  }

  register() {
    return this.page.getByTestId("register-submit").click();
  }

  async depositBond(amount: string) {
    await this.page.getByTestId("bond-action-deposit").check();
    await this.page.getByTestId("bond-amount").fill(amount);
    await this.page.getByTestId("bond-submit").click();
    await expect(this.page.getByTestId("bond-tx")).toHaveAttribute("data-phase", "confirmed", {
      timeout: 30_000,
    });
  }

  finish() {
    return this.page.getByTestId("register-finish").click();
  }
}
