/** The shape of a bench suite and the options every suite receives. */
import type { SuiteResult } from "./report.js";

export interface BenchOptions {
  /** Fewer repetitions and smaller payloads: a smoke run in about a minute. */
  quick: boolean;
  /** Prints progress lines. */
  log: (line: string) => void;
}

export interface Suite {
  /** Filter name, e.g. "package", "sdk.stream"; `--only sdk` selects every "sdk.*". */
  name: string;
  /** One line for the report: what this suite measures. */
  title: string;
  run(options: BenchOptions): Promise<Omit<SuiteResult, "name" | "seconds">>;
}
