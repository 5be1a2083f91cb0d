// Progress of `hosts prepare`, one line per host: on a terminal a block of
// lines redrawn in place with a bar; elsewhere (CI logs) a line whenever a
// host's stage changes, never a line per percent.
import type { Io } from '../../src/io.js';

export interface HostProgress {
  name: string;
  stage: string;
  /** 0..1 when the stage can tell how far along it is */
  fraction?: number;
}

const BAR_WIDTH = 20;

/** The terminal block: host names aligned, a bar where a fraction is known. */
export function progressFrame(hosts: readonly HostProgress[]): string[] {
  const nameWidth = Math.max(...hosts.map((h) => h.name.length));
  return hosts.map((host) => {
    const filled = host.fraction === undefined ? undefined : Math.round(Math.min(1, Math.max(0, host.fraction)) * BAR_WIDTH);
    const bar = filled === undefined ? '' : `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] `;
    return `${host.name.padEnd(nameWidth)}  ${bar}${host.stage}`;
  });
}

/** A stage without its counters: "node: sending 4.2 MB of 98.9 MB" and "… 9.0 MB …" are one stage. */
export function stageKind(stage: string): string {
  return stage.replace(/\([^)]*\)/g, '').replace(/[\d.]+ ?(B|kB|MB|GB|s)\b/g, '').replace(/\s+/g, ' ').trim();
}

export class PrepareProgressView {
  private readonly hosts: HostProgress[];
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: Io,
    names: readonly string[],
  ) {
    this.hosts = names.map((name) => ({ name, stage: 'waiting' }));
    if (io.isTTY) this.timer = setInterval(() => this.draw(), 200);
  }

  update(name: string, stage: string, fraction?: number): void {
    const host = this.hosts.find((h) => h.name === name);
    if (!host) return;
    const changed = stageKind(host.stage) !== stageKind(stage);
    host.stage = stage;
    if (fraction === undefined) delete host.fraction;
    else host.fraction = fraction;
    if (!this.io.isTTY && changed) this.io.err(`${name}: ${stage}\n`);
  }

  finish(): void {
    clearInterval(this.timer);
    if (this.io.isTTY) this.draw();
  }

  private draw(): void {
    const lines = progressFrame(this.hosts);
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    this.io.err(up + lines.map((line) => `\x1b[2K${line}\n`).join(''));
    this.drawnLines = lines.length;
  }
}
