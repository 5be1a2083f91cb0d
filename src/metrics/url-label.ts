// Request URLs as metric labels: origin and path with ids collapsed, query and
// fragment dropped, so /product/1234?ref=x and /product/99 are one group; a
// scenario's own groups by pattern win; past a cap, the rest is "other".
// Metrics per raw URL explode in cardinality (k6 #3761, Artillery #3229).

/** A scenario's name for the URLs a pattern matches: `*` is one path segment, `**` any number. */
export interface RequestGroup {
  name: string;
  match: string;
}

export const OTHER_LABEL = 'other';
export const DEFAULT_MAX_LABELS = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{16,}$/i;
const NUMBER = /^\d+$/;
// Long mixed tokens (session ids, base64 slugs): letters and digits both, 20 or more.
const TOKEN = /^(?=.*\d)(?=.*[a-z])[A-Za-z0-9_-]{20,}$/i;

function collapsed(segment: string): string {
  if (NUMBER.test(segment)) return ':id';
  if (UUID.test(segment)) return ':uuid';
  if (HEX.test(segment)) return ':hash';
  if (TOKEN.test(segment)) return ':token';
  return segment;
}

/** A segment with its escapes decoded; one with a malformed escape (`100%`, `%c0%ae`) or an escaped control character as it stands: the page sent it so. */
function leniently(segment: string): string {
  try {
    const decoded = decodeURIComponent(segment);
    // An escaped control character stays escaped: a label goes to terminals and CSV files.
    return CONTROL.test(decoded) ? segment : decoded;
  } catch {
    return segment;
  }
}

const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/** `https://shop.example/product/:id` for `https://shop.example/product/1234?ref=x#top`. */
export function normalisedUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return OTHER_LABEL;
  }
  if (url.protocol === 'data:' || url.protocol === 'blob:') return url.protocol;
  const path = url.pathname
    .split('/')
    .map((segment) => (segment === '' ? segment : collapsed(leniently(segment))))
    .join('/');
  return `${url.origin}${path}`;
}

/** The path of a normalised URL: its origin taken off. */
export function pathOf(normalised: string): string {
  return normalised.replace(/^[a-z]+:\/\/[^/]+/i, '');
}

function patternRegex(match: string): RegExp {
  const escaped = match.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const source = escaped.replace(/\*\*|\*/g, (star) => (star === '**' ? '.*' : '[^/]*'));
  return new RegExp(`^${source}$`);
}

/**
 * Labels URLs for one agent's run: a group's name when a pattern matches the
 * URL (with or without its origin), else the normalised URL, until `maxLabels`
 * distinct labels are in use; every later new label is "other".
 */
export class UrlLabeler {
  private readonly groups: Array<{ name: string; regex: RegExp }>;
  private readonly seen = new Set<string>();

  constructor(
    groups: readonly RequestGroup[] = [],
    private readonly maxLabels = DEFAULT_MAX_LABELS,
  ) {
    this.groups = groups.map((group) => ({ name: group.name, regex: patternRegex(group.match) }));
  }

  label(raw: string): string {
    const normalised = normalisedUrl(raw);
    const path = pathOf(normalised);
    const group = this.groups.find((g) => g.regex.test(normalised) || g.regex.test(path) || g.regex.test(raw));
    const label = group?.name ?? normalised;
    if (this.seen.has(label)) return label;
    if (this.seen.size >= this.maxLabels) return OTHER_LABEL;
    this.seen.add(label);
    return label;
  }
}
