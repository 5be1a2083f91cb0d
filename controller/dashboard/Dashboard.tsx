// The live dashboard's Ink components: thin over the view models.
import { Box, Text } from 'ink';
import { formatMs } from '../format.js';
import { SERIES_COLORS, pointsFor, renderChart } from './chart.js';
import { layoutFor } from './layout.js';
import {
  agentRows,
  browserPanelView,
  flowsLine,
  chartsView,
  eventsLine,
  headerView,
  progressBar,
  stepRows,
  type ChartSeries,
  type DashboardSnapshot,
  type StepScope,
} from './view-model.js';

const INK_COLORS = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red', 'cyanBright', 'magentaBright'];

function Header({ snapshot, width }: { snapshot: DashboardSnapshot; width: number }) {
  const view = headerView(snapshot);
  const barWidth = Math.max(10, Math.min(40, width - view.vus.length - view.time.length - view.stage.length - 12));
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate">
        {view.title}
      </Text>
      <Text wrap="truncate">
        {view.vus}
        {'   '}
        {view.time} <Text color="green">{progressBar(view.progress, barWidth)}</Text> {Math.round(view.progress * 100)}%{'   '}
        <Text color={snapshot.stopping ? 'yellow' : undefined}>{view.stage}</Text>
      </Text>
    </Box>
  );
}

function Columns({ cells, widths, color, bold }: { cells: string[]; widths: number[]; color?: string; bold?: boolean }) {
  const line = cells.map((cell, i) => (i === 0 ? cell.slice(0, widths[0]).padEnd(widths[0]!) : cell.padStart(widths[i]!))).join(' ');
  return (
    <Text wrap="truncate" color={color} bold={bold}>
      {line}
    </Text>
  );
}

function StepsTable({ snapshot, scope, rows, width }: { snapshot: DashboardSnapshot; scope: StepScope; rows: number; width: number }) {
  const all = stepRows(snapshot, scope);
  const shown = all.slice(0, rows);
  const nameWidth = Math.max(14, Math.min(32, width - 62, Math.max(4, ...all.map((r) => r.name.length))));
  const widths = [nameWidth, 7, 7, 8, 8, 8, 7, 7];
  const title = scope === 'run' ? 'step · run' : 'step · window';
  return (
    <Box flexDirection="column" width={width}>
      <Columns bold cells={[title, 'count', '/s', 'p50', 'p95', 'p99', 'pass', 'errors']} widths={widths} />
      {shown.map((row, i) => (
        <Columns
          key={row.name}
          cells={[row.name, row.count, row.rate, row.p50, row.p95, row.p99, row.pass, row.errors]}
          widths={widths}
          color={row.failing ? 'red' : INK_COLORS[i % INK_COLORS.length]}
        />
      ))}
      {all.length > shown.length && <Text dimColor>… {all.length - shown.length} more steps</Text>}
    </Box>
  );
}

function Chart({
  title,
  series,
  width,
  height,
  format,
  colors,
}: {
  title: string;
  series: ChartSeries[];
  width: number;
  height: number;
  format: (value: number) => string;
  colors: readonly string[];
}) {
  const lines = renderChart(series, { height, format, colors });
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>{title}</Text>
        {series.length > 1 &&
          series.map((s, i) => (
            <Text key={s.label} color={INK_COLORS[i % INK_COLORS.length]}>
              {'  ■ '}
              {s.label}
            </Text>
          ))}
      </Text>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}

function Charts({ snapshot, width, height, wide }: { snapshot: DashboardSnapshot; width: number; height: number; wide: boolean }) {
  const half = Math.floor((width - 1) / 2);
  const third = Math.floor((width - 2) / 3);
  const topWidth = wide ? half : width;
  const bottomWidth = wide ? half : third;
  // Only complete windows: a filling one would show a dip that is not there.
  const complete = snapshot.windows.filter((w) => w.windowStart + w.windowMs <= snapshot.now);
  // Buckets per chart width: p95 may be wider than the small charts.
  const top = chartsView(complete, pointsFor(topWidth));
  const bottom = chartsView(complete, pointsFor(bottomWidth));
  const count = (v: number) => (v >= 100 ? Math.round(v).toString() : v.toFixed(1));
  const per = top.windowsPerPoint > 1 ? ` (${top.windowsPerPoint} windows per point)` : '';
  const p95 = <Chart title={`p95 response time${per}`} series={top.p95} width={topWidth} height={height} format={formatMs} colors={SERIES_COLORS} />;
  const vus = (w: number, v: typeof top) => <Chart title="active VUs" series={[v.vus]} width={w} height={height} format={count} colors={[SERIES_COLORS[3]!]} />;
  const throughput = <Chart title="throughput (steps/s)" series={[bottom.throughput]} width={bottomWidth} height={height} format={count} colors={[SERIES_COLORS[4]!]} />;
  const errors = <Chart title="errors (%)" series={[bottom.errorRate]} width={bottomWidth} height={height} format={(v) => v.toFixed(1)} colors={[SERIES_COLORS[5]!]} />;
  return wide ? (
    <Box flexDirection="column">
      <Box gap={1}>
        {p95}
        {vus(half, top)}
      </Box>
      <Box gap={1}>
        {throughput}
        {errors}
      </Box>
    </Box>
  ) : (
    <Box flexDirection="column">
      {p95}
      <Box gap={1}>
        {vus(third, bottom)}
        {throughput}
        {errors}
      </Box>
    </Box>
  );
}

function AgentsPanel({ snapshot, rows, width }: { snapshot: DashboardSnapshot; rows: number; width: number }) {
  const all = agentRows(snapshot);
  const shown = all.slice(0, rows);
  const hostWidth = Math.max(10, Math.min(28, Math.max(4, ...all.map((r) => r.host.length))));
  const widths = [hostWidth, 10, 9, 6, 20, 10];
  const warnings = all.filter((row) => row.saturated).length;
  return (
    <Box flexDirection="column" width={width}>
      <Columns bold cells={['agent', 'state', 'VUs', 'CPU', 'memory', 'last report']} widths={widths} />
      {shown.map((row) => (
        <Text key={row.host} wrap="truncate">
          <Text color={row.state === 'lost' || row.state === 'failed' ? 'red' : row.state === 'done' ? 'green' : undefined}>
            {[row.host.slice(0, widths[0]).padEnd(widths[0]!), row.state.padStart(widths[1]!), row.vus.padStart(widths[2]!)].join(' ')}
          </Text>{' '}
          <Text color={row.saturated ? 'red' : undefined}>{row.cpu.padStart(widths[3]!)}</Text>{' '}
          {[row.memory.padStart(widths[4]!), row.lastReport.padStart(widths[5]!)].join(' ')}
          {row.saturated && <Text color="red"> SATURATED</Text>}
          {row.link && <Text dimColor> {row.link}</Text>}
        </Text>
      ))}
      {all.length > shown.length && (
        <Text dimColor wrap="truncate">
          … {all.length - shown.length} more agents{warnings > 0 ? `, ${warnings} saturated` : ''}
        </Text>
      )}
    </Box>
  );
}

const BAND_COLORS = { good: 'green', 'needs-improvement': 'yellow', poor: 'red' } as const;

function BrowserPanel({ snapshot, rows, width }: { snapshot: DashboardSnapshot; rows: number; width: number }) {
  const view = browserPanelView(snapshot, rows);
  if (!view) return null;
  const labelWidth = Math.max(16, Math.min(60, width - 40, Math.max(4, ...view.rows.map((r) => r.label.length))));
  const widths = [labelWidth, 7, 7, 9, 9];
  const more = view.labels > view.rows.length ? ` +${view.labels - view.rows.length}` : '';
  return (
    <Box flexDirection="column" width={width}>
      <Columns bold cells={[`request${more}`, 'count', 'errors', 'ttfb p95↓', 'total p95']} widths={widths} />
      {view.rows.map((row) => (
        <Columns key={row.label} cells={[row.label, row.count, row.errors, row.ttfbP95, row.totalP95]} widths={widths} color={row.failing ? 'red' : undefined} />
      ))}
      <Text wrap="truncate">
        <Text dimColor>{view.statuses}</Text>
        <Text dimColor>{'   vitals p75: '}</Text>
        {view.vitals.length === 0 && <Text dimColor>no page view ended yet</Text>}
        {view.vitals.map((v) => (
          <Text key={v.text} color={BAND_COLORS[v.band]}>
            {v.text}
            {'  '}
          </Text>
        ))}
      </Text>
    </Box>
  );
}

export interface DashboardProps {
  snapshot: DashboardSnapshot;
  scope: StepScope;
  width: number;
  height: number;
}

export function Dashboard({ snapshot, scope, width, height }: DashboardProps) {
  const events = eventsLine(snapshot);
  const labels = new Set(snapshot.windows.flatMap((w) => Object.keys(w.requests ?? {}))).size || (snapshot.windows.some((w) => w.pageViews) ? 1 : 0);
  const flows = flowsLine(snapshot);
  const layout = layoutFor(width, height, new Set(snapshot.windows.flatMap((w) => Object.keys(w.steps))).size, snapshot.agents.length, events.length, labels, flows !== undefined);
  return (
    <Box flexDirection="column" width={width}>
      <Header snapshot={snapshot} width={width} />
      {flows !== undefined && <Text wrap="truncate">{flows}</Text>}
      <StepsTable snapshot={snapshot} scope={scope} rows={layout.stepRows} width={width} />
      {layout.chartHeight > 0 && <Charts snapshot={snapshot} width={width} height={layout.chartHeight} wide={layout.wide} />}
      {layout.requestRows > 0 && <BrowserPanel snapshot={snapshot} rows={layout.requestRows} width={width} />}
      <AgentsPanel snapshot={snapshot} rows={layout.agentRows} width={width} />
      {events.slice(-layout.eventLines).map((line, i) => (
        <Text key={i} color="yellow" wrap="truncate">
          {line}
        </Text>
      ))}
      <Text dimColor wrap="truncate">
        q stop (report follows) · tab {scope === 'run' ? 'last window' : 'whole run'} · Ctrl-C twice abort
      </Text>
    </Box>
  );
}
