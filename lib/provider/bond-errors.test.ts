import {
  type Abi,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  UserRejectedRequestError,
} from "viem";
import { describe, expect, it } from "vitest";
import { describeBondError } from "./bond-errors";

// The errors as the market's ABI declares them (INTEGRITY.md), so the test decodes real revert data.
const abi = [
  {
    type: "error",
    name: "InsufficientBond",
    inputs: [
      { name: "provider", type: "address" },
      { name: "required", type: "uint256" },
      { name: "free", type: "uint256" },
    ],
  },
  { type: "error", name: "UnbondingNotOver", inputs: [{ name: "unbondAt", type: "uint256" }] },
  { type: "error", name: "NothingUnbonding", inputs: [] },
  { type: "error", name: "SomethingNew", inputs: [] },
  { type: "function", name: "withdrawBond", inputs: [], outputs: [], stateMutability: "nonpayable" },
] as const satisfies Abi;

function reverted(errorName: string, args?: readonly unknown[]) {
  const data = encodeErrorResult({ abi, errorName, args } as Parameters<typeof encodeErrorResult>[0]);
  const cause = new ContractFunctionRevertedError({ abi, data, functionName: "withdrawBond" });
  // As wagmi throws it: the revert wrapped in an execution error.
  return new ContractFunctionExecutionError(cause, { abi, functionName: "withdrawBond", args: [] });
}

describe("describeBondError", () => {
  it("InsufficientBond says what was needed and what is free, in tokens", () => {
    expect(
      describeBondError(
        reverted("InsufficientBond", ["0x0000000000000000000000000000000000000001", 2_500_000n, 1_000_000n]),
      ),
    ).toBe("Not enough free bond: 2.50 needed, 1.00 free.");
  });
  it("UnbondingNotOver says when", () => {
    expect(
      describeBondError(reverted("UnbondingNotOver", [1_700_000_000n]), {
        formatTime: (s) => `t=${s}`,
      }),
    ).toBe("The unbonding period is not over: the bond can be withdrawn from t=1700000000.");
  });
  it("NothingUnbonding explains the two steps", () => {
    expect(describeBondError(reverted("NothingUnbonding"))).toMatch(/^Nothing is unbonding/);
  });
  it("an error it does not know is named", () => {
    expect(describeBondError(reverted("SomethingNew"))).toBe("The contract refused: SomethingNew.");
  });
  it("a rejection in the wallet and plain errors read as the wallet says", () => {
    expect(describeBondError(new UserRejectedRequestError(new Error("User rejected")))).toBe(
      "You rejected the request in your wallet.",
    );
    expect(describeBondError(new Error("No market contract is configured.\nstack"))).toBe(
      "No market contract is configured.",
    );
  });
});
