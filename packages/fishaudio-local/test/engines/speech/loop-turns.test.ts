import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LoopTurns } from "../../../src/engines/speech/loop-turns.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("LoopTurns", () => {
  it("grants turns earliest due first, equal dues in arrival order, one per loop iteration", async () => {
    const turns = new LoopTurns();
    const granted: string[] = [];
    const all = (
      [
        ["c", 30],
        ["a", 10],
        ["b1", 20],
        ["b2", 20],
      ] as const
    ).map(([name, due]) => turns.take(due).then(() => granted.push(name)));
    assert.equal(turns.waiting, 4);
    await tick();
    assert.deepEqual(granted, ["a"]);
    await Promise.all(all);
    assert.deepEqual(granted, ["a", "b1", "b2", "c"]);
    assert.equal(turns.waiting, 0);
  });

  it("lets a more urgent slice that arrives later overtake the ones still waiting", async () => {
    const turns = new LoopTurns();
    const granted: string[] = [];
    const late = [turns.take(100).then(() => granted.push("late1"))];
    late.push(turns.take(100).then(() => granted.push("late2")));
    await tick();
    const urgent = turns.take(1).then(() => granted.push("urgent"));
    await Promise.all([...late, urgent]);
    assert.deepEqual(granted, ["late1", "urgent", "late2"]);
  });
});
