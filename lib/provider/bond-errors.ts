import { BaseError, ContractFunctionRevertedError } from "viem";
import { formatTokenAmount } from "@/lib/market/price-order";
import { shortMessage } from "@/lib/wagmi/short-message";

// A failed bond transaction as a sentence a provider can act on (client-safe): the contract's custom
// error decoded with its arguments (InsufficientBond says how much is free and how much was needed),
// else the wallet's short message. The bond card validates amounts first, so these are the races a
// form cannot see (a bid locked bond between the check and the transaction, a clock ahead).

const seconds = (v: unknown) => Number(v as bigint);

export function describeBondError(
  error: unknown,
  opts: { formatTime?: (unixSeconds: number) => string } = {},
): string {
  const at =
    opts.formatTime ?? ((s: number) => new Date(s * 1000).toLocaleString([], { timeStyle: "medium" }));
  if (!(error instanceof BaseError)) return shortMessage(error);
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return shortMessage(error);
  const name = reverted.data?.errorName;
  const args = (reverted.data?.args ?? []) as readonly unknown[];
  switch (name) {
    case "InsufficientBond":
      return `Not enough free bond: ${formatTokenAmount(args[1] as bigint)} needed, ${formatTokenAmount(args[2] as bigint)} free.`;
    case "UnbondingNotOver":
      return `The unbonding period is not over: the bond can be withdrawn from ${at(seconds(args[0]))}.`;
    case "NothingUnbonding":
      return "Nothing is unbonding. Request a withdrawal first; it can be withdrawn after the unbonding delay.";
    case "ProviderNotRegistered":
      return "This wallet is not registered as a provider. Register it first.";
    case "ZeroAmount":
      return "Enter an amount above 0.";
    case "ERC20InsufficientBalance":
      return `Your wallet holds ${formatTokenAmount(args[1] as bigint)}, less than the ${formatTokenAmount(args[2] as bigint)} to deposit.`;
    case "ERC20InsufficientAllowance":
      return "The market may not take this many tokens yet: approve the amount, then deposit.";
    case "ReputationTooLow":
      return `Reputation ${String(args[1])} is below the order's minimum of ${String(args[2])}.`;
    default:
      return name ? `The contract refused: ${name}.` : reverted.shortMessage;
  }
}
