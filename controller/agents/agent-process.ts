// What the run needs from a started agent, wherever it runs.
export interface AgentProcess {
  host: string;
  /** resolves when the agent process is gone */
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** its last lines of stderr, to explain a failure */
  logTail(): string[];
  /** stop it now; its exit hook takes Chromium with it */
  kill(): void;
}
