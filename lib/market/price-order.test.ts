import { describe, expect, it } from "vitest";
import { formatTokenAmount, parseTokenAmount, priceOrder, providerPricingSchema } from "./price-order";

const pricing = providerPricingSchema.parse({
  cpuCoreHour: "20000", // 0.02 per core-hour
  memoryGibHour: "5000", // 0.005 per GiB-hour
  storageGibHour: "100",
  gpuHour: { "NVIDIA-A100": "1200000", "NVIDIA-L4": "400000" },
});

describe("priceOrder", () => {
  it("sums unit prices times the resources", () => {
    // 2 cores, 4 GiB, 10 GiB storage: 40000 + 20000 + 1000
    const r = priceOrder(pricing, {
      cpuMillis: 2000,
      memoryMiB: 4096,
      storageMiB: 10240,
      gpuCount: 0,
      gpuModel: null,
    });
    expect(r).toEqual({ ok: true, pricePerHour: 61_000n });
  });

  it("rounds fractional base units up", () => {
    const r = priceOrder(pricing, { cpuMillis: 1, memoryMiB: 0, storageMiB: 0, gpuCount: 0, gpuModel: null });
    expect(r).toEqual({ ok: true, pricePerHour: 20n });
    const tiny = priceOrder(
      { ...pricing, cpuCoreHour: "1" },
      { cpuMillis: 1, memoryMiB: 0, storageMiB: 0, gpuCount: 0, gpuModel: null },
    );
    expect(tiny).toEqual({ ok: true, pricePerHour: 1n });
  });

  it("prices GPUs by model, or the cheapest model when none is asked", () => {
    const a100 = priceOrder(pricing, {
      cpuMillis: 0,
      memoryMiB: 0,
      storageMiB: 0,
      gpuCount: 2,
      gpuModel: "NVIDIA-A100",
    });
    expect(a100).toEqual({ ok: true, pricePerHour: 2_400_000n });
    const any = priceOrder(pricing, {
      cpuMillis: 0,
      memoryMiB: 0,
      storageMiB: 0,
      gpuCount: 1,
      gpuModel: null,
    });
    expect(any).toEqual({ ok: true, pricePerHour: 400_000n });
  });

  it("refuses a GPU model it has no price for", () => {
    const r = priceOrder(pricing, {
      cpuMillis: 0,
      memoryMiB: 0,
      storageMiB: 0,
      gpuCount: 1,
      gpuModel: "H100",
    });
    expect(r.ok).toBe(false);
  });
});

describe("priceOrder: persistent volumes", () => {
  const classes = [
    { name: "standard", pricePerGiBHour: "100" },
    { name: "fast-ssd", pricePerGiBHour: "450" },
  ];
  const none = { cpuMillis: 0, memoryMiB: 0, storageMiB: 0, gpuCount: 0, gpuModel: null };
  it.each([
    { case: "a GiB of standard", volumes: [{ storageClass: "standard", sizeMiB: 1024 }], want: 100n },
    {
      case: "each class at its own rate",
      volumes: [
        { storageClass: "standard", sizeMiB: 20 * 1024 },
        { storageClass: "fast-ssd", sizeMiB: 10 * 1024 },
      ],
      want: 2000n + 4500n,
    },
    // 1 MiB of fast-ssd is 450/1024 of a base unit: rounded up once, for the provider.
    { case: "a fraction rounded up", volumes: [{ storageClass: "fast-ssd", sizeMiB: 1 }], want: 1n },
    // 1.5 GiB × 100 + 0.5 GiB × 450 = 150 + 225, exact.
    {
      case: "MiB to GiB exactly",
      volumes: [
        { storageClass: "standard", sizeMiB: 1536 },
        { storageClass: "fast-ssd", sizeMiB: 512 },
      ],
      want: 375n,
    },
  ])("$case", ({ volumes, want }) => {
    expect(priceOrder(pricing, { ...none, volumes }, classes)).toEqual({ ok: true, pricePerHour: want });
  });

  it("adds volumes to the rest in one sum, rounded once", () => {
    // 2 cores + 4 GiB + 10 GiB ephemeral = 61000; 1 MiB of standard adds 100/1024: 61001 after rounding.
    const r = priceOrder(
      pricing,
      {
        cpuMillis: 2000,
        memoryMiB: 4096,
        storageMiB: 10240,
        gpuCount: 0,
        gpuModel: null,
        volumes: [{ storageClass: "standard", sizeMiB: 1 }],
      },
      classes,
    );
    expect(r).toEqual({ ok: true, pricePerHour: 61_001n });
  });

  it("refuses a volume whose StorageClass the cluster does not price", () => {
    expect(
      priceOrder(pricing, { ...none, volumes: [{ storageClass: "fast-ssd", sizeMiB: 1024 }] }, [classes[0]!]),
    ).toEqual({ ok: false, reason: 'no price for StorageClass "fast-ssd"' });
  });
});

describe("token amounts", () => {
  it("formats and parses 6-decimal amounts", () => {
    expect(formatTokenAmount(1_234_567n)).toBe("1.234567");
    expect(formatTokenAmount(1_000_000_000n)).toBe("1,000.00");
    expect(parseTokenAmount("1.5")).toBe(1_500_000n);
    expect(parseTokenAmount("3")).toBe(3_000_000n);
    expect(() => parseTokenAmount("1.1234567")).toThrow();
    expect(() => parseTokenAmount("-1")).toThrow();
  });
});
