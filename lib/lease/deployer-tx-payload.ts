import { z } from "zod";

// The arguments of one deployer transaction as deployer_txs.payload stores them (ids and hashes as
// strings: JSON has no bigint). One shape per call; parsed back through the schema when re-sent.

export const deployerTxPayloadSchema = z.discriminatedUnion("call", [
  z.object({
    call: z.literal("attestStart"),
    leaseId: z.string().regex(/^\d+$/),
    specHash: z.string().regex(/^0x[0-9a-f]{64}$/),
  }),
  z.object({
    call: z.literal("attestDowntime"),
    leaseIds: z.array(z.string().regex(/^\d+$/)),
    seconds: z.array(
      z
        .number()
        .int()
        .positive()
        .max(2 ** 32 - 1),
    ),
    /** Each lease's on-chain downtime total this batch brings it to (the reconciliation target). */
    totals: z.array(z.number().int().nonnegative()),
  }),
  z.object({
    call: z.literal("attestReputation"),
    providers: z.array(z.string().regex(/^0x[0-9a-f]{40}$/)),
    scores: z.array(z.number().int().min(0).max(100)),
  }),
]);

export type DeployerTxPayload = z.infer<typeof deployerTxPayloadSchema>;
