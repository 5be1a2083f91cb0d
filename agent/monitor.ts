// Samples what the load host itself is doing, so a saturated agent's numbers
// can be recognised as distorted.
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { HostFacts, ResourceSample } from '../src/protocol/messages.js';

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

export class ResourceMonitor {
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });
  private lastCpu = cpuTimes();
  private lastProcess = process.cpuUsage();
  private lastAt = performance.now();

  constructor() {
    this.loopDelay.enable();
  }

  /** Usage since the previous sample. */
  sample(): ResourceSample {
    const cpu = cpuTimes();
    const processCpu = process.cpuUsage();
    const at = performance.now();
    const totalDelta = cpu.total - this.lastCpu.total;
    const hostCpuPct = totalDelta > 0 ? 100 * (1 - (cpu.idle - this.lastCpu.idle) / totalDelta) : 0;
    const elapsedUs = (at - this.lastAt) * 1000;
    const processUs = processCpu.user - this.lastProcess.user + (processCpu.system - this.lastProcess.system);
    const sample: ResourceSample = {
      hostCpuPct: clamp(hostCpuPct, 0, 100),
      agentCpuPct: elapsedUs > 0 ? Math.max(0, (100 * processUs) / elapsedUs) : 0,
      agentRssMb: process.memoryUsage.rss() / 1048576,
      hostMemUsedPct: clamp(100 * (1 - os.freemem() / os.totalmem()), 0, 100),
      loopLagMs: this.loopDelay.count > 0 ? this.loopDelay.percentile(99) / 1e6 : 0,
    };
    this.lastCpu = cpu;
    this.lastProcess = processCpu;
    this.lastAt = at;
    this.loopDelay.reset();
    return sample;
  }

  stop(): void {
    this.loopDelay.disable();
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function hostFacts(): HostFacts {
  return {
    hostname: os.hostname(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cores: os.cpus().length,
    memoryMb: Math.round(os.totalmem() / 1048576),
    node: process.version,
    clock: Date.now(),
  };
}
