// The report files squall writes: apart from outputs.ts, so the CLI's help
// names them without loading the renderers.
export const REPORT_FORMATS = ['json', 'html', 'csv', 'junit'] as const;
export type FileFormat = (typeof REPORT_FORMATS)[number];
