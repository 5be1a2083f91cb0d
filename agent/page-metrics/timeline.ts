// Which step a request or a page view belongs to, by when it began: the
// browser times them on the host's clock, the VU knows when each step ran.

/** Before any step of the run began (a page opened by the scenario outside steps). */
export const NO_STEP = '(no step)';
const KEEP = 64;

export class StepTimeline {
  private readonly spans: Array<{ name: string; start: number; end: number }> = [];

  begin(name: string, at: number): void {
    this.spans.push({ name, start: at, end: Number.POSITIVE_INFINITY });
    if (this.spans.length > KEEP) this.spans.shift();
  }

  end(at: number): void {
    const last = this.spans.at(-1);
    if (last && last.end === Number.POSITIVE_INFINITY) last.end = at;
  }

  /**
   * The step running at `t`; between steps, the one before (a request a page
   * makes after its step ended, in think time, is that page's); before
   * every step kept, the first.
   */
  stepAt(t: number): string {
    for (let i = this.spans.length - 1; i >= 0; i -= 1) {
      const span = this.spans[i]!;
      if (span.start <= t) return span.name;
    }
    return this.spans[0]?.name ?? NO_STEP;
  }
}
