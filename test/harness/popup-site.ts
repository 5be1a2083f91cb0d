// A site whose help opens in a popup that stays open until the user closes it,
// and a Chrome DevTools Recorder recording of that flow as the Recorder writes
// it (steps in the popup name it by URL as their target; a close step ends it;
// key presses; the Recorder's default title). The site counts the thank-yous
// sent from popups.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PopupSite {
  url: string;
  thanks(): number;
  close(): Promise<void>;
}

const HOME = `<!doctype html><title>popup shop</title><input id="q"><button id="help" onclick="window.open('/help', 'help')">help</button>`;
const HELP = `<!doctype html><title>help</title><button id="thanks">thanks</button><p id="done" hidden>ok</p><script>
document.querySelector('#thanks').onclick = () => fetch('/api/thanks', { method: 'POST' }).then(() => { document.querySelector('#done').hidden = false; });
</script>`;

export async function startPopupSite(): Promise<PopupSite> {
  let thanks = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === '/api/thanks') {
      thanks += 1;
      return void res.writeHead(204).end();
    }
    const body = path === '/' ? HOME : path === '/help' ? HELP : undefined;
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    thanks: () => thanks,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export function popupRecording(url: string) {
  const popup = `${url}/help`;
  return {
    title: 'New Recording',
    steps: [
      { type: 'navigate', url: `${url}/`, assertedEvents: [{ type: 'navigation', url: `${url}/`, title: 'popup shop' }] },
      { type: 'click', target: 'main', selectors: [['#help']], offsetX: 5, offsetY: 5 },
      { type: 'click', target: popup, selectors: [['#thanks']], offsetX: 5, offsetY: 5 },
      { type: 'waitForElement', target: popup, selectors: [['#done']] },
      { type: 'close', target: popup },
      { type: 'keyDown', target: 'main', key: 'Tab' },
      { type: 'keyUp', target: 'main', key: 'Tab' },
    ],
  };
}
