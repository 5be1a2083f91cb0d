// Where an agent runs: this machine, or a host reached over SSH.
import type { AgentConfigInput } from '../../src/protocol/agent-config.js';
import type { AgentProcess } from './agent-process.js';

/** A file of ours to run on a site, named by its content hash so a host that has it is not sent it again. */
export interface SiteFile {
  /** name in the run folder, e.g. agent.mjs */
  name: string;
  path: string;
  hash: string;
  size: number;
}

/** What a site tells the user while the run goes on (a connection that dropped and came back). */
export type SiteNotice = (text: string) => void;

export interface AgentSite {
  /** agent id: unique in the run */
  id: string;
  /** shown in reports */
  host: string;
  weight: number;
  maxVus?: number;
  /** how long `start` may take to reach this site's agent; unsaid, the run's own start lead (a second, for hosts over a network) */
  startLeadMs?: number;
  /** `config.controllerUrl` is the hub as this machine sees it; a remote site rewrites it */
  start(config: AgentConfigInput, notice: SiteNotice): Promise<AgentProcess>;
  /**
   * Runs a helper server next to the agent from a single-file bundle (squall
   * calibrate's demo shop); resolves to the URL the helper printed, which the
   * agent reaches on its own loopback. It lives until cleanup.
   */
  startHelper(file: SiteFile): Promise<string>;
  /** Makes sure nothing of the run is left: returns what could not be cleaned up. */
  cleanup(): Promise<string[]>;
}
