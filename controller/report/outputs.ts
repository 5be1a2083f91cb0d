// The files every run ends with, and `squall report` renders again: one
// renderer per format, all from the same report object. Screenshots of failed
// steps (attachments) go beside report.json, and into report.html.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PRIVATE_FILE, PRIVATE_FOLDER, makeDirectory } from '../files.js';
import type { Report } from '../../src/protocol/report.js';
import { arrivalsCsv, requestsCsv, seriesCsv, vitalsCsv } from './csv.js';
import { renderHtmlReport } from './html.js';
import { junitXml } from './junit.js';

import { REPORT_FORMATS, type FileFormat } from './formats.js';

export { REPORT_FORMATS, type FileFormat };

/** Screenshots by the file name the report gives them (report.evidence[].screenshot). */
export type Attachments = ReadonlyMap<string, Buffer>;

export const FILE_NAMES: Record<FileFormat, string> = {
  json: 'report.json',
  html: 'report.html',
  csv: 'series.csv',
  junit: 'junit.xml',
};

export function renderReport(report: Report, format: FileFormat, attachments: Attachments = new Map()): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2) + '\n';
    case 'html':
      return renderHtmlReport(report, attachments);
    case 'csv':
      return seriesCsv(report);
    case 'junit':
      return junitXml(report);
  }
}

/**
 * A format's files beyond its main one: csv adds requests.csv and vitals.csv
 * when the run collected them and arrivals.csv for an arrival-rate run, json the screenshots.
 */
function extraFiles(report: Report, format: FileFormat, attachments: Attachments): Array<[string, string | Buffer]> {
  if (format === 'csv') {
    const files: Array<[string, string]> = [];
    if (report.requests) files.push(['requests.csv', requestsCsv(report)], ['vitals.csv', vitalsCsv(report)]);
    if (report.arrival) files.push(['arrivals.csv', arrivalsCsv(report)]);
    return files;
  }
  if (format === 'json') return [...attachments];
  return [];
}

/** Writes the given formats into `dir`; returns the paths written. */
export function writeReportFiles(report: Report, dir: string, formats: readonly FileFormat[] = REPORT_FORMATS, attachments: Attachments = new Map()): string[] {
  makeDirectory(dir, PRIVATE_FOLDER);
  return formats.flatMap((format) => {
    const path = join(dir, FILE_NAMES[format]);
    writeFileSync(path, renderReport(report, format, attachments), { mode: PRIVATE_FILE });
    const extras = extraFiles(report, format, attachments).map(([name, content]) => {
      const extra = join(dir, name);
      makeDirectory(dirname(extra), PRIVATE_FOLDER);
      writeFileSync(extra, content, { mode: PRIVATE_FILE });
      return extra;
    });
    // Screenshots are many: the list names the folder once.
    const shown = format === 'json' && extras.length > 0 ? [join(dir, 'evidence')] : extras;
    return [path, ...shown];
  });
}
