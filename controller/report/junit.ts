// junit.xml: one testcase per threshold, so CI systems show verdicts natively;
// without thresholds, one testcase per step (failing when any attempt failed).
import { formatMs } from '../format.js';
import type { Report } from '../../src/protocol/report.js';

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Characters XML 1.0 cannot carry at all.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

interface Case {
  name: string;
  classname: string;
  failure?: string;
  output: string;
}

function cases(report: Report): Case[] {
  if (report.thresholds.length > 0) {
    return report.thresholds.map((t) => ({
      name: `${t.target}: ${t.expression}`,
      classname: `squall.thresholds.${t.source}`,
      ...(t.passed ? {} : { failure: t.detail }),
      output: t.detail,
    }));
  }
  return report.steps.map((s) => ({
    name: s.name,
    classname: 'squall.steps',
    ...(s.failed > 0 ? { failure: `${s.failed} of ${s.count} attempts failed${s.errors[0] ? `; most often ${s.errors[0].errorClass}: ${s.errors[0].sample}` : ''}` } : {}),
    output: `count ${s.count}, failed ${s.failed}, p50 ${formatMs(s.p50)}, p95 ${formatMs(s.p95)}, p99 ${formatMs(s.p99)}, ${s.throughput}/s`,
  }));
}

export function junitXml(report: Report): string {
  const list = cases(report);
  const failures = list.filter((c) => c.failure !== undefined).length;
  const seconds = (report.run.durationMs / 1000).toFixed(3);
  const suite = xml(`squall ${report.run.scenario}`);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="squall" tests="${list.length}" failures="${failures}" time="${seconds}">`,
    `  <testsuite name="${suite}" tests="${list.length}" failures="${failures}" errors="0" time="${seconds}" timestamp="${xml(report.run.startedAt)}">`,
    `    <properties><property name="run" value="${xml(report.run.id)}"/><property name="status" value="${xml(report.run.status)}"/></properties>`,
    ...list.flatMap((c) => [
      `    <testcase name="${xml(c.name)}" classname="${xml(c.classname)}" time="0">`,
      ...(c.failure !== undefined ? [`      <failure message="${xml(c.failure)}">${xml(c.failure)}</failure>`] : []),
      `      <system-out>${xml(c.output)}</system-out>`,
      '    </testcase>',
    ]),
    '  </testsuite>',
    '</testsuites>',
  ];
  return lines.join('\n') + '\n';
}
