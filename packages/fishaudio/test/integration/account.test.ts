// The wallet calls with the query and path parameters the schema lists, against fishaudio-local.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { NotFoundError, PermissionDeniedError, ValidationError } from "../../src/index.js";
import { type Integration, startIntegration } from "./setup.js";

let it_: Integration;
before(async () => {
  it_ = await startIntegration();
});
after(() => it_.server.close());

describe("account parameters against fishaudio-local", () => {
  it("getCredits({ checkFreeCredit }) makes the server report hasFreeCredit; without it, it does not", async () => {
    const checked = await it_.client.account.getCredits({ checkFreeCredit: true });
    assert.equal(checked.hasFreeCredit, false);
    const plain = await it_.client.account.getCredits();
    assert.equal(plain.hasFreeCredit, undefined);
    // sdk-api.md's form, request options first, still works.
    const withOptions = await it_.client.account.getCredits({ timeout: 5_000 });
    assert.equal(withOptions.credit, plain.credit);
  });

  it("getCredits({ teamId }) sends team_id, which the local server (no teams) answers 404", async () => {
    await assert.rejects(
      it_.client.account.getCredits({ teamId: "team-1" }, { maxRetries: 0 }),
      (e: unknown) => e instanceof NotFoundError && /Team 'team-1' not found/.test(e.message),
    );
  });

  it("takes a userId for both calls: your own works, another user's is refused", async () => {
    const own = await it_.client.account.getCredits({ userId: it_.server.userId });
    assert.equal(own.userId, it_.server.userId);
    const pkg = await it_.client.account.getPackage({ userId: it_.server.userId });
    assert.equal(pkg.userId, it_.server.userId);
    await assert.rejects(
      it_.client.account.getPackage({ userId: "someone-else" }),
      PermissionDeniedError,
    );
    await assert.rejects(it_.client.account.getCredits({ teamId: "" }), ValidationError);
  });
});
