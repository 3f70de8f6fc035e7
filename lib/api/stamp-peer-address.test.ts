import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { PEER_ADDRESS_HEADER } from "./client-ip";
import { stampPeerAddress } from "./stamp-peer-address";

describe("stampPeerAddress", () => {
  it("writes the socket's address over whatever the client sent under that name", async () => {
    stampPeerAddress();
    stampPeerAddress(); // idempotent
    const server = createServer((req, res) => {
      res.end(
        JSON.stringify({ peer: req.headers[PEER_ADDRESS_HEADER], xff: req.headers["x-forwarded-for"] }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          headers: { [PEER_ADDRESS_HEADER]: "198.51.100.1", "x-forwarded-for": "198.51.100.2" },
        },
        (res) => {
          let data = "";
          res.on("data", (c) => {
            data += c;
          });
          res.on("end", () => resolve(data));
        },
      );
      req.on("error", reject);
      req.end();
    });
    server.close();
    expect(JSON.parse(body)).toEqual({ peer: "127.0.0.1", xff: "198.51.100.2" });
  });
});
