import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { APIPromise, PagePromise, type PaginatedResponse } from "fishaudio";

/** An APIPromise of `data` as the client builds one, without a server. */
function answered<T>(data: Promise<T>, requestId: string): APIPromise<T> {
  const reply = data.then((value) => ({
    response: Response.json(value, { headers: { "x-request-id": requestId } }),
    requestId,
    data: value,
  }));
  return new APIPromise<T>({ reply, mode: { raw: false }, map: (value) => value as T });
}

function pages(total: number, pageSize: number) {
  const requested: number[] = [];
  const fetchPage = (n: number) => {
    requested.push(n);
    const start = (n - 1) * pageSize;
    const items = Array.from(
      { length: Math.max(0, Math.min(pageSize, total - start)) },
      (_, i) => start + i,
    );
    return answered<PaginatedResponse<number>>(Promise.resolve({ total, items }), `page-${n}`);
  };
  return { fetchPage, requested };
}

describe("PagePromise", () => {
  it("is a Promise of the first page", async () => {
    const { fetchPage, requested } = pages(25, 10);
    const promise = new PagePromise(fetchPage, 1, 10);
    assert.ok(promise instanceof Promise);
    const page = await promise;
    assert.equal(page.total, 25);
    assert.deepEqual(page.items, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(requested, [1]);
    assert.equal(page.requestId, "page-1");
    const { data, response, requestId } = await new PagePromise(fetchPage, 2, 10).withResponse();
    assert.deepEqual(data.items, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    assert.equal(response.headers.get("x-request-id"), "page-2");
    assert.equal(requestId, "page-2");
  });

  it("iterates every item across pages and stops at the last one", async () => {
    const { fetchPage, requested } = pages(25, 10);
    const all: number[] = [];
    for await (const item of new PagePromise(fetchPage, 1, 10)) all.push(item);
    assert.deepEqual(
      all,
      Array.from({ length: 25 }, (_, i) => i),
    );
    assert.deepEqual(requested, [1, 2, 3]);
  });

  it("does not ask for a page after an exactly full last page", async () => {
    const { fetchPage, requested } = pages(20, 10);
    let count = 0;
    for await (const _ of new PagePromise(fetchPage, 1, 10)) count++;
    assert.equal(count, 20);
    assert.deepEqual(requested, [1, 2]);
  });

  it("starts from the given page and reuses the first page when iterated", async () => {
    const { fetchPage, requested } = pages(30, 10);
    const promise = new PagePromise(fetchPage, 2, 10);
    await promise;
    const all: number[] = [];
    for await (const item of promise) all.push(item);
    assert.equal(all[0], 10);
    assert.equal(all.length, 20);
    assert.deepEqual(requested, [2, 3]);
  });

  it("propagates errors to await and to iteration", async () => {
    const failing = new PagePromise<number>(
      () => answered<PaginatedResponse<number>>(Promise.reject(new Error("boom")), "x"),
      1,
      10,
    );
    await assert.rejects(failing, /boom/);
    await assert.rejects(async () => {
      for await (const _ of failing) {
      }
    }, /boom/);
  });
});
