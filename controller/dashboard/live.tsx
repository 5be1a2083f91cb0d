// Runs the dashboard in the terminal: redraws about once a second from the
// run's state (kept outside React), follows resizes, and turns keys into
// stop and abort requests.
import { render, useInput, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { Dashboard } from './Dashboard.js';
import type { DashboardSnapshot, StepScope } from './view-model.js';

export const REFRESH_MS = 1000;

export interface LiveDashboardProps {
  snapshot: () => DashboardSnapshot;
  /** q or Ctrl-C: the first asks for a graceful stop, a second Ctrl-C aborts */
  onInterrupt: (key: 'q' | 'ctrl-c') => void;
  refreshMs?: number;
}

export function LiveDashboard({ snapshot, onInterrupt, refreshMs = REFRESH_MS }: LiveDashboardProps) {
  const { stdout } = useStdout();
  const [frame, setFrame] = useState(() => ({ snapshot: snapshot(), columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 }));
  const [scope, setScope] = useState<StepScope>('window');
  useEffect(() => {
    const redraw = () => setFrame({ snapshot: snapshot(), columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
    const timer = setInterval(redraw, refreshMs);
    stdout.on('resize', redraw);
    return () => {
      clearInterval(timer);
      stdout.off('resize', redraw);
    };
  }, [snapshot, stdout, refreshMs]);
  useInput((input, key) => {
    if (key.tab) setScope((s) => (s === 'window' ? 'run' : 'window'));
    else if (input === 'q') onInterrupt('q');
    else if (key.ctrl && input === 'c') onInterrupt('ctrl-c');
  });
  return <Dashboard snapshot={frame.snapshot} scope={scope} width={frame.columns} height={frame.rows} />;
}

export interface DashboardHandle {
  /** the last frame stays on screen */
  close(): void;
}

export function startDashboard(
  props: LiveDashboardProps,
  terminal: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream },
): DashboardHandle {
  const instance = render(<LiveDashboard {...props} />, {
    stdout: terminal.stdout,
    stdin: terminal.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    close: () => {
      instance.unmount();
      instance.cleanup();
    },
  };
}
