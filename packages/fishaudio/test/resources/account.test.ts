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

  it("sends the schema's query and path parameters only when given, and tells params from options", async () => {
    const { client, calls } = clientWith(() => json({ _id: "c", user_id: "u", credit: "1" }));
    await client.account.getCredits({ checkFreeCredit: false, teamId: "t 1" });
    await client.account.getCredits({ maxRetries: 0, headers: { "X-A": "1" } });
    await client.account.getCredits({ userId: "u/1" }, { headers: { "X-B": "2" } });
    await client.account.getPackage({ userId: "me" });
    assert.deepEqual(
      calls.map((c) => `${c.url.pathname}${c.url.search}`),
      [
        "/wallet/self/api-credit?check_free_credit=false&team_id=t+1",
        "/wallet/self/api-credit",
        "/wallet/u%2F1/api-credit",
        "/wallet/me/package",
      ],
    );
    assert.equal(calls[1]!.headers.get("x-a"), "1");
    assert.equal(calls[2]!.headers.get("x-b"), "2");
  });

  it("refuses wrong parameter types before sending", async () => {
    const { client, calls } = clientWith(() => json({}));
    await assert.rejects(
      client.account.getCredits({ checkFreeCredit: "yes" as unknown as boolean }),
      /checkFreeCredit: must be true or false/,
    );
    await assert.rejects(client.account.getCredits({ teamId: "" }), /teamId: must not be empty/);
    await assert.rejects(client.account.getPackage({ userId: "" }), /userId: must not be empty/);
    assert.equal(calls.length, 0);
  });
});
