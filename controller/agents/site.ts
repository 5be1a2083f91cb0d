// Where an agent runs: this machine, or a host reached over SSH.
import type { AgentConfigInput } from '../../src/protocol/agent-config.js';
import type { AgentProcess } from './agent-process.js';

export interface AgentSite {
  /** agent id: unique in the run */
  id: string;
  /** shown in reports */
  host: string;
  weight: number;
  maxVus?: number;
  /** `config.controllerUrl` is the hub as this machine sees it; a remote site rewrites it */
  start(config: AgentConfigInput): Promise<AgentProcess>;
  /** Makes sure nothing of the run is left: returns what could not be cleaned up. */
  cleanup(): Promise<string[]>;
}
