import type { Suite } from "../lib/suite.js";
export const loadSuite: Suite = {
  name: "load",
  title: "Load",
  async run() {
    throw new Error("not written yet");
  },
};
