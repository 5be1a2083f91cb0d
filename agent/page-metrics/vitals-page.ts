// Runs in the page (sent as source text, so self-contained): the current
// document's Web Vitals, computed as Google's web-vitals 6 computes them (its
// onLCP, onFCP, onCLS, onINP and onTTFB for a hard navigation: no soft
// navigations, no back/forward-cache restores), from observers of its own.
// Why not web-vitals itself: it hands event entries to INP and finalises LCP
// in idle callbacks, which a busy renderer starves for up to a second, so a
// view that ended soon after a click lost its INP; and its 12 KB were
// compiled in every document. Owning the observers, a view's end takes
// whatever the browser has queued (takeRecords) and needs no idle wait.
// vitals-page.chromium.test.ts runs both on the same pages and asserts equal values.

export interface PageVitals {
  /** The values so far, every entry the browser has queued taken first. */
  values(): Record<string, number>;
  /** Undefined unless an input's Event Timing entry has not come yet; else resolves once it came or cannot come. */
  inputSettled(): Promise<void> | undefined;
}

export function watchVitals(): PageVitals {
  // web-vitals' defaults: event entries under 40 ms do not count for INP (the first input always does);
  // INP is the longest interaction, or the p98 estimate from the 10 longest once there are 50 or more.
  const INP_DURATION_THRESHOLD = 40;
  const KEEP_INTERACTIONS = 10;
  // An input with no entry after this long is taken as fast (under 16 ms its entry is never made).
  const INPUT_WAIT_MS = 1000;
  type Shift = PerformanceEntry & { value: number; hadRecentInput: boolean };
  type EventEntry = PerformanceEntry & { interactionId?: number };

  let firstHidden = document.visibilityState === 'hidden' ? 0 : Infinity;
  addEventListener(
    'visibilitychange',
    (event) => {
      if (document.visibilityState === 'hidden' && firstHidden === Infinity) firstHidden = event.timeStamp;
    },
    true,
  );
  const navigation = () => performance.getEntriesByType('navigation')[0] as (PerformanceNavigationTiming & { activationStart?: number }) | undefined;
  const sinceActivation = (time: number) => Math.max(time - (navigation()?.activationStart ?? 0), 0);

  let fcp = -1;
  let lcp = -1;
  const paint = (entry: PerformanceEntry) => {
    if (entry.name === 'first-contentful-paint' && entry.startTime < firstHidden && fcp < 0) fcp = sinceActivation(entry.startTime);
  };
  const largestPaint = (entry: PerformanceEntry) => {
    if (entry.startTime < firstHidden) lcp = sinceActivation(entry.startTime);
  };

  let cls = 0;
  let session = 0;
  let sessionFirst = 0;
  let sessionLast = 0;
  const shift = (entry: Shift) => {
    if (entry.hadRecentInput) return;
    if (session && entry.startTime - sessionLast < 1000 && entry.startTime - sessionFirst < 5000) session += entry.value;
    else {
      session = entry.value;
      sessionFirst = entry.startTime;
    }
    sessionLast = entry.startTime;
    if (session > cls) cls = session;
  };

  const longest: Array<{ id: number; latency: number }> = [];
  let inputAt = -1;
  let onInputEntry: (() => void) | undefined;
  const interaction = (entry: EventEntry) => {
    if (inputAt >= 0 && entry.startTime >= inputAt - 1) {
      inputAt = -1;
      onInputEntry?.();
    }
    const id = entry.interactionId;
    if (!id || (entry.entryType === 'event' && entry.duration < INP_DURATION_THRESHOLD)) return;
    const known = longest.find((candidate) => candidate.id === id);
    if (known) known.latency = Math.max(known.latency, entry.duration);
    else if (longest.length < KEEP_INTERACTIONS || entry.duration > longest.at(-1)!.latency) longest.push({ id, latency: entry.duration });
    longest.sort((a, b) => b.latency - a.latency);
    longest.length = Math.min(longest.length, KEEP_INTERACTIONS);
  };
  // The last input of an interaction (a release) is the one whose entry tells the interaction was presented.
  const noteInput = (event: Event) => {
    inputAt = event.timeStamp;
  };
  for (const type of ['pointerdown', 'pointerup', 'keydown', 'keyup']) addEventListener(type, noteInput, { capture: true, passive: true });

  const observers: Array<[PerformanceObserver, (entry: never) => void]> = [];
  const watch = (types: string[], handle: (entry: never) => void, durationThreshold?: number) => {
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => handle(entry as never)));
    for (const type of types) {
      if (!PerformanceObserver.supportedEntryTypes.includes(type)) continue;
      observer.observe({ type, buffered: true, ...(durationThreshold === undefined ? {} : { durationThreshold }) } as PerformanceObserverInit);
    }
    observers.push([observer, handle]);
  };
  watch(['paint'], paint);
  watch(['largest-contentful-paint'], largestPaint);
  watch(['layout-shift'], shift);
  // 16 ms, the least allowed, so that more inputs get an entry that says they were presented.
  watch(['event', 'first-input'], interaction, 16);
  const takeQueued = () => {
    for (const [observer, handle] of observers) observer.takeRecords().forEach((entry) => handle(entry as never));
  };

  const inp = () => {
    const count = (performance as Performance & { interactionCount?: number }).interactionCount ?? longest.length;
    const index = Math.min(longest.length - 1, Math.floor(count / 50));
    return index < 0 ? -1 : longest[index]!.latency;
  };

  return {
    values() {
      takeQueued();
      const out: Record<string, number> = {};
      const entry = navigation();
      if (entry && entry.responseStart > 0 && entry.responseStart < performance.now()) out.TTFB = sinceActivation(entry.responseStart);
      if (fcp >= 0) {
        out.FCP = fcp;
        // web-vitals starts CLS once there is a first contentful paint.
        out.CLS = cls;
      }
      if (lcp >= 0) out.LCP = lcp;
      const interactionLatency = inp();
      if (interactionLatency >= 0) out.INP = interactionLatency;
      return out;
    },
    inputSettled() {
      takeQueued();
      if (inputAt < 0 || performance.now() - inputAt > INPUT_WAIT_MS) return undefined;
      return new Promise<void>((resolve) => {
        const done = () => {
          onInputEntry = undefined;
          resolve();
        };
        onInputEntry = done;
        setTimeout(done, INPUT_WAIT_MS);
        // A fast input gets no entry: two frames after it, it has been presented if it ever will be soon.
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
          takeQueued();
          done();
        })));
      });
    },
  };
}
