import { BaseError, ContractFunctionRevertedError } from "viem";

/** A contract call's failure as one short name: the revert's custom error (BidNotLower, UnexpectedStatus…) or viem's short message. */
export function revertName(error: unknown): string {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError)
      return reverted.data?.errorName ?? reverted.shortMessage;
    return error.shortMessage;
  }
  return (error as Error).message;
}
