import type { Suite } from "../lib/suite.js";
export const enginesSuites: Suite[] = [];
