// Secrets out of everything squall writes or prints: each value, and the forms
// it takes on its way through a page (URL-encoded as a query or path part,
// form-encoded, and each of those escaped inside JSON), replaced by ***. The
// agent runs every frame it sends through this, so nothing downstream (store,
// reports, CSV, JUnit, dashboard, notices) ever holds a value. Pure.

export const MASK = '***';

/** Secrets shorter than this would mask ordinary text everywhere. */
export const MIN_SECRET_LENGTH = 4;

export class Redactor {
  /** every form of every value, longest first (a form inside a longer one must not leave the rest of it) */
  private readonly forms: string[];
  /** the same, as they appear inside a JSON string */
  private readonly jsonForms: string[];

  constructor(values: readonly string[]) {
    const forms = new Set<string>();
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      forms.add(value);
      forms.add(encodeURIComponent(value));
      forms.add(encodeURI(value));
      forms.add(encodeURIComponent(value).replace(/%20/g, '+'));
      // Browsers leave these unescaped in a query, where encodeURIComponent escapes them.
      forms.add(encodeURIComponent(value).replace(/%(2C|3A|2F|3F|40|24|21|27|28|29|2A|3B)/gi, (match) => decodeURIComponent(match)));
    }
    this.forms = [...forms].sort((a, b) => b.length - a.length);
    this.jsonForms = [...new Set(this.forms.map((form) => JSON.stringify(form).slice(1, -1)))].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.forms.length === 0;
  }

  /** Text as printed or written. */
  text(text: string): string {
    return this.replaceAll(text, this.forms);
  }

  /** A JSON document (a frame): its strings masked, its structure intact. */
  json(frame: string): string {
    return this.replaceAll(frame, this.jsonForms);
  }

  private replaceAll(text: string, forms: readonly string[]): string {
    let out = text;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(MASK);
    return out;
  }
}
