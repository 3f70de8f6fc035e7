import type { Metadata } from "next";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { LeaseGate } from "@/components/lease/lease-gate";
import { LeaseView } from "@/components/lease/lease-view";
import { getDb } from "@/db";
import { readSession, SESSION_COOKIE } from "@/lib/auth/session";
import { findLease } from "@/lib/lease/find-lease";
import { getLeaseDetail } from "@/lib/lease/get-lease-detail";
import { checkLeaseAccess } from "@/lib/lease/lease-access";

export const metadata: Metadata = { title: "Lease" };

export default async function LeasePage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  if (!/^[0-9]{1,78}$/.test(id)) notFound();
  const db = await getDb();
  // A lease neither indexed nor on chain is a 404 at once, signed in or not.
  const known = await findLease({ db, leaseId: id });
  if (known === "unknown") notFound();
  const session = await readSession({ db, sessionId: (await cookies()).get(SESSION_COOKIE)?.value });
  const access = await checkLeaseAccess({ db, leaseId: id, address: session?.address });
  if (!access.ok) return <LeaseGate reason={access.reason} leaseId={id} />;
  const detail = await getLeaseDetail({ db, lease: access.lease });
  return <LeaseView key={id} initial={{ ...detail, role: access.role }} />;
}
