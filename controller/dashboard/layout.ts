// How the dashboard's parts share the terminal: the frame is never taller than
// the terminal (Ink would clear the screen on every frame), and charts get
// what the tables leave.
export interface DashboardLayout {
  stepRows: number;
  agentRows: number;
  /** request labels in the browser panel (0: no panel) */
  requestRows: number;
  eventLines: number;
  /** lines of each chart's plot (0: no charts) */
  chartHeight: number;
  /** charts side by side in a row */
  wide: boolean;
  /** lines the whole frame takes */
  total: number;
}

const HEADER_LINES = 2;
const TABLE_HEADER_LINES = 1;
const KEYS_LINES = 1;
const CHART_ROWS = 2;
const CHART_TITLE_LINES = 1;
const MIN_CHART_HEIGHT = 3;
const MAX_CHART_HEIGHT = 12;

/** The browser panel's lines besides its request rows: its header and the statuses-and-vitals line. */
const BROWSER_FIXED_LINES = 2;
const MAX_REQUEST_ROWS = 5;

/** `requestLabels`: 0 when the run collects no browser metrics, so there is no panel; `flows`: a run of named flows has a line of them. */
export function layoutFor(width: number, height: number, steps: number, agents: number, events: number, requestLabels = 0, flows = false): DashboardLayout {
  // One line spare: a frame as tall as the terminal scrolls it.
  const budget = Math.max(8, height - 1);
  const eventLines = Math.min(events, 2);
  const fixed = HEADER_LINES + 2 * TABLE_HEADER_LINES + KEYS_LINES + eventLines + (flows ? 1 : 0);
  const panel = requestLabels > 0 && budget - fixed >= 12;
  const spare = Math.max(0, budget - fixed - (panel ? BROWSER_FIXED_LINES : 0));
  const requestRows = panel ? Math.min(requestLabels, MAX_REQUEST_ROWS, Math.max(1, Math.floor(spare / 6))) : 0;
  const stepRows = Math.min(steps, Math.max(1, Math.floor(spare / 4)));
  const agentRows = Math.min(agents, Math.max(1, Math.floor(spare / 5)));
  const truncationLines = (steps > stepRows ? 1 : 0) + (agents > agentRows ? 1 : 0);
  const forCharts = spare - stepRows - agentRows - requestRows - truncationLines;
  const perRow = Math.floor(forCharts / CHART_ROWS) - CHART_TITLE_LINES;
  const chartHeight = perRow >= MIN_CHART_HEIGHT ? Math.min(MAX_CHART_HEIGHT, perRow) : 0;
  const chartLines = chartHeight > 0 ? CHART_ROWS * (chartHeight + CHART_TITLE_LINES) : 0;
  return {
    stepRows,
    agentRows,
    requestRows,
    eventLines,
    chartHeight,
    wide: width >= 120,
    total: fixed + stepRows + agentRows + truncationLines + chartLines + (panel ? BROWSER_FIXED_LINES + requestRows : 0),
  };
}
