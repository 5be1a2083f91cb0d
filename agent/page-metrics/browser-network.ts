// Routes one browser's DevTools Network events to the VU whose browser
// context made the request. It follows every session the connection attaches
// (a page, a cross-origin frame, a worker, a popup) from the moment it is
// attached: a popup no one asked puppeteer for gets no Page, so nothing else
// would enable its Network domain, and its first request comes right after
// puppeteer lets the new target run. One listener set per session, whatever the
// number of VUs.
import { CDPSessionEvent, type Browser, type BrowserContext, type CDPSession, type Connection } from 'puppeteer-core';
import type { NetworkLedger } from './network-ledger.js';

const EVENTS = ['requestWillBeSent', 'requestServedFromCache', 'responseReceived', 'dataReceived', 'loadingFinished', 'loadingFailed'] as const;

const byConnection = new WeakMap<Connection, BrowserNetwork>();

export class BrowserNetwork {
  private readonly ledgers = new Map<BrowserContext, NetworkLedger>();
  /** a session's ledger once known; null: a session of no VU's context */
  private readonly owners = new WeakMap<CDPSession, NetworkLedger | null>();
  private readonly followed = new WeakSet<CDPSession>();

  private constructor(connection: Connection) {
    connection.on(CDPSessionEvent.SessionAttached, (session) => this.follow(session, true));
  }

  /** The router of `browser`'s connection; undefined where puppeteer does not expose it. */
  static of(browser: Browser): BrowserNetwork | undefined {
    const connection = (browser as unknown as { _connection?: Connection })._connection;
    if (!connection) return undefined;
    let network = byConnection.get(connection);
    if (!network) {
      network = new BrowserNetwork(connection);
      byConnection.set(connection, network);
    }
    return network;
  }

  /** Requests of `context`'s targets go to `ledger` until the returned function is called. */
  register(context: BrowserContext, ledger: NetworkLedger): () => void {
    this.ledgers.set(context, ledger);
    return () => {
      if (this.ledgers.get(context) === ledger) this.ledgers.delete(context);
      ledger.clear();
    };
  }

  /**
   * Also follows a session attached before this router was made (the worker's first page).
   * `enable`: a session puppeteer may never enable Network for (a popup without a Page); a
   * second enable of a session it did enable costs one round trip and changes nothing.
   */
  follow(session: CDPSession, enable: boolean): void {
    if (this.followed.has(session)) return;
    this.followed.add(session);
    for (const name of EVENTS) {
      session.on(`Network.${name}`, (event: unknown) => {
        const ledger = this.ownerOf(session);
        if (ledger) (ledger[name] as (event: unknown) => void).call(ledger, event);
      });
    }
    // A tab target has no Network domain: its refusal is expected.
    if (enable) session.send('Network.enable').catch(() => {});
  }

  private ownerOf(session: CDPSession): NetworkLedger | null {
    const known = this.owners.get(session);
    if (known !== undefined) return known;
    let context: BrowserContext | undefined;
    try {
      // puppeteer's (internal) target of the session: set as it attached, before the target could run.
      context = (session as unknown as { target(): { browserContext(): BrowserContext } }).target().browserContext();
    } catch {
      return null;
    }
    const ledger = (context && this.ledgers.get(context)) || null;
    // A context registers before it makes its first page: a session seen without a ledger never gets one.
    this.owners.set(session, ledger);
    return ledger;
  }
}
