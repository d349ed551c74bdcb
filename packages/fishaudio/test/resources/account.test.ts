import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientWith, json } from "../helpers.js";

describe("account resource", () => {
  it("reads /wallet/self/api-credit and /wallet/self/package", async () => {
    const { client, calls } = clientWith((call) =>
      call.url.pathname.endsWith("api-credit")
        ? json({ _id: "c", user_id: "u", credit: "3.25" })
        : json({ _id: "p", user_id: "u", type: "pro", total: 10, balance: 4 }),
    );
    assert.equal((await client.account.getCredits()).credit, "3.25");
    assert.equal((await client.account.getPackage()).balance, 4);
    assert.deepEqual(
      calls.map((c) => `${c.init.method} ${c.url.pathname}`),
      ["GET /wallet/self/api-credit", "GET /wallet/self/package"],
    );
  });
});
