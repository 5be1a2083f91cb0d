// The files every run ends with, and `squall report` renders again: one
// renderer per format, all from the same report object.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirectory } from '../files.js';
import type { Report } from '../../src/protocol/report.js';
import { seriesCsv } from './csv.js';
import { renderHtmlReport } from './html.js';
import { junitXml } from './junit.js';

export const REPORT_FORMATS = ['json', 'html', 'csv', 'junit'] as const;
export type FileFormat = (typeof REPORT_FORMATS)[number];

export const FILE_NAMES: Record<FileFormat, string> = {
  json: 'report.json',
  html: 'report.html',
  csv: 'series.csv',
  junit: 'junit.xml',
};

export function renderReport(report: Report, format: FileFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2) + '\n';
    case 'html':
      return renderHtmlReport(report);
    case 'csv':
      return seriesCsv(report);
    case 'junit':
      return junitXml(report);
  }
}

/** Writes the given formats into `dir`; returns the paths written. */
export function writeReportFiles(report: Report, dir: string, formats: readonly FileFormat[] = REPORT_FORMATS): string[] {
  makeDirectory(dir);
  return formats.map((format) => {
    const path = join(dir, FILE_NAMES[format]);
    writeFileSync(path, renderReport(report, format));
    return path;
  });
}
