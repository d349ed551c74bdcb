/** Describes the machine a run happened on, for the header of BENCHMARKS.md. */
import os from "node:os";

export interface MachineInfo {
  cpu: string;
  nproc: number;
  memoryGiB: number;
  node: string;
  os: string;
}

/** CPU model, core count, memory, Node version and OS of this machine. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    nproc: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
  };
}
