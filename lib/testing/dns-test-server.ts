// Test-only: a small authoritative DNS server over UDP on 127.0.0.1 (RFC 1035 wire format), so code
// that resolves names through node:dns's Resolver is tested against the real protocol. It answers A,
// AAAA and CNAME questions from a zone the test edits while it runs; names it does not know get
// NXDOMAIN. Queries for a name holding a CNAME get the CNAME (and, for A/AAAA, the target's records
// when the zone has them), as a recursive resolver would.
import { createSocket, type RemoteInfo } from "node:dgram";
import { isIPv4, isIPv6 } from "node:net";

/** AAAA addresses are written in hex groups (no dotted IPv4 tail). */
export type DnsZone = Map<string, { cname?: string; a?: string[]; aaaa?: string[] }>;

export interface DnsTestServer {
  /** "127.0.0.1:port", for Resolver.setServers. */
  address: string;
  zone: DnsZone;
  stop(): Promise<void>;
}

const TYPE = { A: 1, CNAME: 5, AAAA: 28 } as const;

function readName(msg: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = start;
  for (;;) {
    const len = msg[i];
    if (len === undefined) throw new Error("truncated name");
    if (len === 0) return { name: labels.join(".").toLowerCase(), end: i + 1 };
    if ((len & 0xc0) !== 0) throw new Error("compressed names are not expected in a question");
    labels.push(msg.subarray(i + 1, i + 1 + len).toString("latin1"));
    i += 1 + len;
  }
}

function encodeName(name: string): Buffer {
  const parts = name
    .replace(/\.$/, "")
    .split(".")
    .map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "latin1")]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function record(name: string, type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2); // IN
  fixed.writeUInt32BE(60, 4); // TTL
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([encodeName(name), fixed, data]);
}

function ipv6Bytes(ip: string): Buffer {
  const [head = "", tail = ""] = ip.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  return out;
}

export function answer(query: Buffer, zone: DnsZone): Buffer {
  const id = query.readUInt16BE(0);
  const { name, end } = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const answers: Buffer[] = [];
  let owner = name;
  let entry = zone.get(name);
  if (entry?.cname) {
    answers.push(record(owner, TYPE.CNAME, encodeName(entry.cname)));
    if (qtype !== TYPE.CNAME) {
      owner = entry.cname.toLowerCase().replace(/\.$/, "");
      entry = zone.get(owner);
    }
  }
  if (entry && qtype === TYPE.A)
    for (const ip of entry.a ?? [])
      if (isIPv4(ip)) answers.push(record(owner, TYPE.A, Buffer.from(ip.split(".").map(Number))));
  if (entry && qtype === TYPE.AAAA)
    for (const ip of entry.aaaa ?? []) if (isIPv6(ip)) answers.push(record(owner, TYPE.AAAA, ipv6Bytes(ip)));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  // QR=1, opcode 0, AA=1, RD copied, RA=1; rcode NXDOMAIN (3) for names the zone does not have.
  const rd = (query[2] ?? 0) & 0x01;
  header[2] = 0x84 | rd;
  header[3] = 0x80 | (zone.has(name) ? 0 : 3);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, question, ...answers]);
}

export async function startDnsTestServer(zone: DnsZone = new Map()): Promise<DnsTestServer> {
  const socket = createSocket("udp4");
  socket.on("message", (msg: Buffer, from: RemoteInfo) => {
    try {
      socket.send(answer(msg, zone), from.port, from.address);
    } catch {
      // A malformed query gets no answer, as from a real server that drops it.
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    zone,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
