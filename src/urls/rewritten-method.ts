// A URL list's line with a method other than GET is its page's navigation
// continued with that method and body (url-flow.ts). DevTools' Network events
// still say GET for it: they are sent before the request is continued. The
// flow tells the VU's request capture on the page, under this event name, so
// the report says the method the server saw. Kept apart so the scenario
// bundle and the agent share the name without sharing code.
export const REWRITTEN_METHOD_EVENT = 'squall:method-rewritten';

export interface RewrittenMethod {
  /** the Network domain's request id: puppeteer's HTTPRequest.id */
  requestId: string;
  method: string;
}
