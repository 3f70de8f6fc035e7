import { BaseError } from "viem";

/** A wallet or RPC error as one line a person can read (viem's shortMessage), never a stack. */
export function shortMessage(error: unknown): string {
  if (error instanceof BaseError) {
    const rejected = error.walk((e) => e instanceof BaseError && /reject|denied/i.test(e.shortMessage));
    if (rejected) return "You rejected the request in your wallet.";
    const reverted = error.walk((e) => (e as { name?: string }).name === "ContractFunctionRevertedError");
    if (reverted instanceof BaseError) {
      const data = (reverted as unknown as { data?: { errorName?: string } }).data;
      if (data?.errorName) return `The contract refused: ${data.errorName}.`;
      return reverted.shortMessage;
    }
    return error.shortMessage;
  }
  if (error instanceof Error) return error.message.split("\n")[0] ?? "Something went wrong.";
  return "Something went wrong.";
}
