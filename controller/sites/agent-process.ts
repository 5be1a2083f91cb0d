// What the run needs from a started agent, wherever it runs.
export interface AgentProcess {
  host: string;
  /** a local agent's process id (benchmarks count its CPU); absent for a remote one */
  pid?: number;
  /** resolves when the agent process is gone */
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** its last lines of stderr, to explain a failure */
  logTail(): string[];
  /** stop it now; its exit hook takes Chromium with it. False: it cannot be reached (a host out of reach), so its exit is not worth waiting for */
  kill(): boolean;
}

/**
 * An agent that has said goodbye still closes its browsers, which lets
 * Chromium remove its profile folder; killed at once, it would leave one in
 * the temporary folder for every browser of every run.
 */
export const AGENT_EXIT_GRACE_MS = 10_000;
