// Every Chromium this agent launched, by process group. Puppeteer starts each
// browser as the leader of its own group (the Debian wrapper script, the
// browser, its zygotes and renderers all share it), so one signal to the group
// reaches all of them. The agent kills the groups whenever it exits: however it
// stops, no browser of the run outlives it, even for the moment Chromium
// would take to notice its closed pipe.
const groups = new Set<number>();

export function registerBrowserGroup(pid: number | undefined): void {
  if (pid !== undefined && pid > 0) groups.add(pid);
}

/** Synchronous, so it can run in a process 'exit' handler. */
export function killBrowserGroups(): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already gone
    }
  }
  groups.clear();
}
