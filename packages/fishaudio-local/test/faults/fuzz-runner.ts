import assert from "node:assert/strict";
/**
 * Drives the fuzz cases against a server child process and collects violations instead of
 * stopping at the first: any 5xx, any error body that is not exactly `{status, message}`, a
 * WebSocket that closes without `finish` or hangs after `stop`, and above all a dead server.
 */
import { decode } from "@msgpack/msgpack";
import WebSocket from "ws";
import { type FuzzContext, httpCase, wsCase } from "./fuzz-cases.js";
import { sineWav, voiceMultipart } from "./payloads.js";
import { Prng } from "./prng.js";
import { assertErrorShape, rawRequest } from "./raw-http.js";
import type { ServerProcess } from "./server-process.js";

/** What a fuzz run did and what it found. */
export interface FuzzReport {
  seed: number;
  httpCases: number;
  wsCases: number;
  statuses: Map<number, number>;
  failures: string[];
}

/** Limits of one run; the run stops at whichever comes first. */
export interface FuzzPlan {
  seed: number;
  cases: number;
  budgetMs: number;
  /** Fraction of cases that are WebSocket sessions. */
  wsShare: number;
}

const MAX_FAILURES = 25;

/**
 * Creates the voice the cases use, so that PATCH/GET also hit an existing row.
 * @example const ctx = await fuzzContext(server, apiKey);
 */
export async function fuzzContext(server: ServerProcess, apiKey: string): Promise<FuzzContext> {
  const { body, contentType } = voiceMultipart(sineWav(1));
  const res = await rawRequest(server.url, {
    method: "POST",
    path: "/model",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": contentType },
    body,
  });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`could not create the fixture voice: ${res.status} ${res.body.toString()}`);
  }
  const voice = JSON.parse(res.body.toString()) as { _id: string };
  return { apiKey, voiceId: voice._id };
}

/**
 * Runs `plan` against `server`; never throws for a finding, only records it.
 * @example const report = await runFuzz(server, ctx, { seed: 1, cases: 300, budgetMs: 60_000, wsShare: 0.15 });
 */
export async function runFuzz(
  server: ServerProcess,
  ctx: FuzzContext,
  plan: FuzzPlan,
): Promise<FuzzReport> {
  const rng = new Prng(plan.seed);
  const report: FuzzReport = {
    seed: plan.seed,
    httpCases: 0,
    wsCases: 0,
    statuses: new Map(),
    failures: [],
  };
  const deadline = Date.now() + plan.budgetMs;
  for (let index = 0; index < plan.cases && Date.now() < deadline; index++) {
    if (report.failures.length >= MAX_FAILURES) break;
    const where = `seed ${plan.seed} case ${index}`;
    const logStart = server.output().length;
    const failed = report.failures.length;
    if (rng.chance(plan.wsShare)) {
      const session = wsCase(rng);
      report.wsCases += 1;
      const problem = await runWsCase(server.url, ctx.apiKey, session).catch(
        (error: Error) => `client error: ${error.message}`,
      );
      if (problem) report.failures.push(`${where} WS [${session.label}]: ${problem}`);
    } else {
      const { label, request } = httpCase(rng, ctx);
      report.httpCases += 1;
      try {
        const res = await rawRequest(server.url, request, 60_000);
        report.statuses.set(res.status, (report.statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500 || res.status < 100) {
          report.failures.push(
            `${where} ${label}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`,
          );
        } else if (res.status >= 400 && request.method !== "HEAD") {
          assertErrorShape(res, label);
        }
      } catch (error) {
        report.failures.push(`${where} ${label}: ${(error as Error).message.split("\n")[0]}`);
      }
    }
    if (report.failures.length > failed) {
      // What the server logged while handling the case (stack traces of internal errors).
      const log = server.output().slice(logStart).trim();
      if (log)
        report.failures[report.failures.length - 1] += `\n    server log: ${log.slice(-1500)}`;
    }
    if (!server.alive()) {
      report.failures.push(
        `${where}: THE SERVER DIED. Last output:\n${server.output().slice(-3000)}`,
      );
      break;
    }
  }
  return report;
}

/** Plays one WebSocket script; returns a description of what went wrong, or undefined. */
function runWsCase(
  baseUrl: string,
  apiKey: string,
  session: ReturnType<typeof wsCase>,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/v1/tts/live`, {
      headers: { authorization: `Bearer ${apiKey}`, model: "s2-pro" },
    });
    const received: unknown[] = [];
    const problems: string[] = [];
    let weClosed = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (problem?: string) => {
      if (timer) clearTimeout(timer);
      if (problem) problems.push(problem);
      resolve(problems.length ? problems.join("; ") : undefined);
    };
    ws.on("unexpected-response", (_req, res) => {
      finish(`upgrade refused with HTTP ${res.statusCode}`);
      ws.terminate();
    });
    ws.on("error", (error) => {
      if (!weClosed) problems.push(`socket error: ${error.message}`);
    });
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        problems.push("server sent a text frame");
        return;
      }
      try {
        const frame = decode(data) as Record<string, unknown>;
        if (!frame || typeof frame !== "object" || typeof frame.event !== "string") {
          problems.push(`server frame without an event: ${JSON.stringify(frame)?.slice(0, 80)}`);
        }
        if (
          frame.event === "finish" &&
          frame.reason === "error" &&
          typeof frame.message !== "string"
        ) {
          problems.push("finish/error without a message");
        }
        received.push(frame);
      } catch {
        problems.push("server frame is not msgpack");
      }
    });
    ws.on("close", (code) => {
      const last = received.at(-1) as Record<string, unknown> | undefined;
      if (!weClosed && last?.event !== "finish") {
        problems.push(`server closed (code ${code}) without sending finish first`);
      }
      finish();
    });
    ws.on("open", () => {
      for (const frame of session.frames) {
        ws.send(frame.data, { binary: frame.binary });
      }
      // After `stop` the server owes us `finish` and a close; without it, we hang up ourselves.
      timer = setTimeout(
        () => {
          if (session.sentStop) problems.push("no finish/close within 20 s of stop");
          weClosed = true;
          ws.terminate();
        },
        session.sentStop ? 20_000 : 300,
      );
    });
  });
}

/**
 * Formats the findings for an assertion message.
 * @example assert.deepEqual(report.failures, [], describeReport(report));
 */
export function describeReport(report: FuzzReport): string {
  const statuses = [...report.statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}x${n}`)
    .join(" ");
  return `seed ${report.seed}: ${report.httpCases} HTTP + ${report.wsCases} WS cases; statuses ${statuses}; replay with FUZZ_SEED=${report.seed}\n${report.failures.join("\n")}`;
}

/**
 * What every fuzz run must show afterwards: no failure, at least one valid case accepted (else
 * only the front door was tested), at least `minCases` run within the budget, and a server that
 * is alive and still answers.
 * @example await assertFuzzHealthy(server, report, 200, apiKey);
 */
export async function assertFuzzHealthy(
  server: ServerProcess,
  report: FuzzReport,
  minCases: number,
  apiKey: string,
): Promise<void> {
  assert.deepEqual(report.failures, [], describeReport(report));
  const succeeded = [...report.statuses].filter(([status]) => status < 300).length;
  assert.ok(succeeded > 0, `no case succeeded: ${describeReport(report)}`);
  assert.ok(report.httpCases + report.wsCases >= minCases, describeReport(report));
  assert.ok(server.alive(), "the server process died");
  const health = await rawRequest(server.url, {
    method: "GET",
    path: "/model",
    headers: { authorization: `Bearer ${apiKey}` },
  });
  assert.equal(health.status, 200);
}
