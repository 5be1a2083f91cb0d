// A URL list as it travels into the scenario made from it: every line already
// parsed and checked (src/urls/url-file.ts reads the text format).
import { z } from 'zod';

export const URL_STRATEGIES = ['random', 'round-robin', 'sequence'] as const;
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** What a page view waits for before it counts as done. */
export const WaitSchema = z.union([
  z.object({ kind: z.literal('load') }).strict(),
  z.object({ kind: z.literal('networkidle') }).strict(),
  z.object({ kind: z.literal('selector'), selector: z.string().min(1) }).strict(),
]);

export const ExpectationSchema = z
  .object({
    /** the main document's (or a fetch line's) response status: any of these codes or classes (`2xx`) */
    status: z.array(z.union([z.number().int().min(100).max(599), z.enum(STATUS_CLASSES)])).min(1).optional(),
    /** text present in the rendered page (a fetch line: in the response body) */
    text: z.string().min(1).optional(),
    /** a regular expression (source and flags) matching the rendered page text or the response body */
    regex: z.object({ source: z.string().min(1), flags: z.string() }).strict().optional(),
    /** a CSS selector present in the page */
    selector: z.string().min(1).optional(),
  })
  .strict();

export const UrlLineSchema = z
  .object({
    /** 1-based, for messages */
    line: z.number().int().positive(),
    url: z.string().url(),
    /** GET: a page view in the VU's browser; any other method: a fetch from the page */
    method: z.string().regex(/^[A-Z]+$/),
    body: z.string().optional(),
    /** the step's name: given, or the URL's normalised path */
    name: z.string().min(1),
    weight: z.number().positive(),
    wait: WaitSchema.optional(),
    expect: ExpectationSchema,
  })
  .strict();

/** A chain's link: its own lines and how it picks from them; the list's strategy picks among groups. */
export const UrlGroupSchema = z
  .object({
    name: z.string().min(1),
    strategy: z.enum(URL_STRATEGIES),
    /** a random chain's choice of this group, by weight */
    weight: z.number().positive(),
    lines: z.array(UrlLineSchema).min(1),
  })
  .strict();

export const UrlListSchema = z
  .object({
    /** the file the list came from, for messages */
    file: z.string(),
    /** how a walk picks its lines; with groups: how it picks its groups */
    strategy: z.enum(URL_STRATEGIES),
    wait: WaitSchema,
    /** every line; with groups, all of theirs */
    lines: z.array(UrlLineSchema).min(1),
    /** a chain (YAML): each walk takes groups by `strategy`, and from each group lines by the group's */
    groups: z.array(UrlGroupSchema).min(1).optional(),
    /** the origins the list may send load to */
    origins: z.array(z.string()).min(1),
  })
  .strict();

export type UrlWait = z.infer<typeof WaitSchema>;
export type UrlExpectation = z.infer<typeof ExpectationSchema>;
export type UrlLine = z.infer<typeof UrlLineSchema>;
export type UrlList = z.infer<typeof UrlListSchema>;
export type UrlGroup = z.infer<typeof UrlGroupSchema>;
export type UrlStrategy = (typeof URL_STRATEGIES)[number];
