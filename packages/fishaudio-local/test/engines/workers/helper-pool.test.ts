import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Helper,
  type HelperEvents,
  HelperPool,
} from "../../../src/engines/workers/helper-pool.js";

/** A fake helper: echoes payloads, or "crashes" (reports an exit) when told to. */
function fakeFactory(log: string[]) {
  let n = 0;
  return (events: HelperEvents): Promise<Helper> => {
    const id = ++n;
    log.push(`start ${id}`);
    let alive = true;
    return Promise.resolve({
      send(message: unknown) {
        const { value, crash } = message as { value: string; crash?: number };
        setImmediate(() => {
          if (!alive) return;
          if (crash !== undefined && id <= crash) {
            alive = false;
            events.exit(`crash in ${id}`);
          } else events.message({ value, by: id });
        });
      },
      setBusy() {},
      kill() {
        alive = false;
        events.exit("killed");
      },
      async stop() {
        alive = false;
        log.push(`stop ${id}`);
      },
    });
  };
}

function run(
  pool: HelperPool,
  payload: object,
  signal?: AbortSignal,
): Promise<{ value: string; by: number }> {
  return new Promise((resolve, reject) => {
    pool.run({
      payload,
      ...(signal ? { signal } : {}),
      onMessage: (m) => {
        resolve(m as { value: string; by: number });
        return true;
      },
      onError: reject,
    });
  });
}

describe("HelperPool", () => {
  it("runs jobs on started helpers", async () => {
    const log: string[] = [];
    const pool = new HelperPool({
      name: "t",
      size: 2,
      recycleAfter: 100,
      create: fakeFactory(log),
    });
    const results = await Promise.all([
      run(pool, { value: "a" }),
      run(pool, { value: "b" }),
      run(pool, { value: "c" }),
    ]);
    assert.deepEqual(
      results.map((r) => r.value),
      ["a", "b", "c"],
    );
    assert.equal(pool.started, 2);
    await pool.close();
    assert.deepEqual(log.filter((l) => l.startsWith("stop")).length, 2);
  });

  it("retries a job once on a fresh helper after a crash", async () => {
    const pool = new HelperPool({ name: "t", size: 1, recycleAfter: 100, create: fakeFactory([]) });
    const result = await run(pool, { value: "x", crash: 1 });
    assert.deepEqual(result, { value: "x", by: 2 });
    await pool.close();
  });

  it("fails a job that crashes its helper twice, with the reason, and keeps serving others", async () => {
    const pool = new HelperPool({ name: "t", size: 1, recycleAfter: 100, create: fakeFactory([]) });
    await assert.rejects(
      run(pool, { value: "x", crash: 2 }),
      /The t engine stopped \(crash in 2\)/,
    );
    assert.deepEqual(await run(pool, { value: "y" }), { value: "y", by: 3 });
    await pool.close();
  });

  it("recycles a helper after N jobs and starts the replacement right away", async () => {
    const log: string[] = [];
    const pool = new HelperPool({ name: "t", size: 1, recycleAfter: 2, create: fakeFactory(log) });
    const by: number[] = [];
    for (const value of ["a", "b", "c", "d", "e"]) by.push((await run(pool, { value })).by);
    assert.deepEqual(by, [1, 1, 2, 2, 3]);
    assert.ok(log.includes("stop 1") && log.includes("stop 2"));
    await pool.close();
  });

  it("rejects queued jobs whose signal aborted, and everything after close()", async () => {
    const pool = new HelperPool({ name: "t", size: 1, recycleAfter: 100, create: fakeFactory([]) });
    const controller = new AbortController();
    const first = run(pool, { value: "a" });
    const second = run(pool, { value: "b" }, controller.signal);
    controller.abort();
    await first;
    await assert.rejects(second, { name: "AbortError" });
    await pool.close();
    await assert.rejects(run(pool, { value: "c" }), /has been closed/);
  });

  it("reports a helper that fails to start", async () => {
    const pool = new HelperPool({
      name: "t",
      size: 1,
      recycleAfter: 100,
      create: () => Promise.reject(new Error("no such engine")),
    });
    await assert.rejects(run(pool, { value: "a" }), /no such engine/);
    await pool.close();
  });
});

describe("HelperPool scheduling", () => {
  /** A helper that records the order jobs reach it and answers each on the next turn. */
  function orderedPool(sent: string[]) {
    return new HelperPool({
      name: "t",
      size: 1,
      recycleAfter: 1000,
      create: (events) =>
        Promise.resolve({
          send(message: unknown) {
            const { value } = message as { value: string };
            sent.push(value);
            setImmediate(() => events.message({ value, by: 1 }));
          },
          setBusy() {},
          kill() {},
          async stop() {},
        }),
    });
  }

  it("runs the lowest priority first and equal priorities in arrival order", async () => {
    const sent: string[] = [];
    const pool = orderedPool(sent);
    await pool.warm();
    const jobs = [
      ["a2", 2],
      ["a1", 1],
      ["b2", 2],
      ["c0", 0],
      ["b1", 1],
      ["d0", 0],
    ] as const;
    // The first job starts at once; the rest queue behind it and are ordered.
    await Promise.all(
      jobs.map(
        ([value, priority]) =>
          new Promise<void>((resolve, reject) =>
            pool.run({
              payload: { value },
              priority,
              onMessage: () => {
                resolve();
                return true;
              },
              onError: reject,
            }),
          ),
      ),
    );
    assert.deepEqual(sent, ["a2", "c0", "d0", "a1", "b1", "b2"]);
    await pool.close();
  });

  it("reads a priority function when it picks the next job, not when the job was queued", async () => {
    const sent: string[] = [];
    const pool = orderedPool(sent);
    await pool.warm();
    const due: Record<string, number> = { x: 0, y: 1, z: 2 };
    const run = (value: string) =>
      new Promise<void>((resolve, reject) =>
        pool.run({
          payload: { value },
          priority: () => due[value] ?? 0,
          onMessage: () => {
            resolve();
            return true;
          },
          onError: reject,
        }),
      );
    const first = run("first");
    const rest = ["x", "y", "z"].map(run);
    // While "first" runs, z becomes the most urgent.
    due.z = -1;
    await Promise.all([first, ...rest]);
    assert.deepEqual(sent, ["first", "z", "x", "y"]);
    await pool.close();
  });

  it("never leaves a helper idle behind jobs aborted while they were queued", async () => {
    const sent: string[] = [];
    const pool = orderedPool(sent);
    await pool.warm();
    const run = (value: string, priority: number, signal?: AbortSignal) =>
      new Promise<void>((resolve, reject) =>
        pool.run({
          payload: { value },
          priority,
          ...(signal ? { signal } : {}),
          onMessage: () => {
            resolve();
            return true;
          },
          onError: reject,
        }),
      );
    const blocker = run("blocker", 0);
    const abort = new AbortController();
    // The most urgent jobs in the queue, then their caller goes away.
    const gone = [1, 2, 3, 4, 5].map((i) =>
      run(`gone${i}`, -10, abort.signal).then(
        () => "ran",
        (err: Error) => err.name,
      ),
    );
    abort.abort();
    const live = run("live", 10);
    await blocker;
    await live;
    assert.deepEqual(await Promise.all(gone), Array(5).fill("AbortError"));
    assert.deepEqual(sent, ["blocker", "live"]);
    await pool.close();
  });
});
