/** The machine a bench ran on, as recorded in the results. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  readonly registry: string;
  readonly skopeo: string;
  readonly loadAverage: readonly number[];
}

async function version(cmd: string, args: readonly string[]): Promise<string> {
  try {
    return (await run(cmd, [...args])).stdout.trim().split('\n')[0] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function machineInfo(): Promise<MachineInfo> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const release = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return {
    nproc: os.availableParallelism(),
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: /PRETTY_NAME="?([^"\n]+)/.exec(release)?.[1] ?? `${os.type()} ${os.release()}`,
    node: process.version,
    registry: (await version(process.env.DOCKER_REGISTRY_BIN ?? '/usr/bin/docker-registry', ['--version'])).replace(/^\S*docker-registry\s+/, ''),
    skopeo: await version('skopeo', ['--version']),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
