import http from "node:http";
import { PEER_ADDRESS_HEADER } from "./client-ip";

// Route handlers in Next get a Request without the socket, so the client's address would otherwise
// come from X-Forwarded-For, which Next fills from the socket only when the client did not send one
// (a client sending its own would pick its rate-limit key). This writes the socket's peer address on
// every incoming request, over anything the client sent under that name, before Next sees it.
// Installed once from instrumentation.ts, before the server handles its first request.

const STAMPED = Symbol.for("kubebid.peerAddressStamp");

export function stampPeerAddress(): void {
  const proto = http.Server.prototype as http.Server & { [STAMPED]?: true };
  if (proto[STAMPED]) return;
  proto[STAMPED] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[PEER_ADDRESS_HEADER] = req.socket?.remoteAddress ?? "";
    }
    return emit.apply(this, [event, ...args]);
  } as typeof proto.emit;
}
