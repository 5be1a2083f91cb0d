// The demo single-page app: an HTML shell whose script fetches products and
// renders them, and a button that POSTs to the cart and shows the result.
export const SHELL_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>squall demo shop</title>
<style>body{font-family:sans-serif;margin:2rem}li{margin:.2rem 0}#cart[data-status=error]{color:#b00}li{cursor:pointer}#detail{margin:1rem 0;min-height:2rem}</style>
</head>
<body>
<h1>Demo shop</h1>
<div id="app">loading…</div>
<div id="detail"></div>
<button id="add" disabled>Add to cart</button>
<p id="cart" data-seq="0">cart is empty</p>
<script src="/app.js"></script>
</body>
</html>
`;

export const APP_JS = `
(async () => {
  const app = document.getElementById('app');
  const add = document.getElementById('add');
  const cart = document.getElementById('cart');
  const response = await fetch('/api/products');
  const products = await response.json();
  const list = document.createElement('ul');
  for (const product of products) {
    const item = document.createElement('li');
    item.dataset.id = product.id;
    item.textContent = product.name + ' — ' + product.price.toFixed(2);
    list.appendChild(item);
  }
  const detail = document.getElementById('detail');
  // The page's own clock for the product action (click to the detail shown):
  // the floor a harness's step time is compared with. It rides on the next
  // cart POST as a header, so reporting it adds no request to the workload.
  let productTiming = '';
  list.addEventListener('click', async (event) => {
    const item = event.target.closest('li');
    if (!item) return;
    const r = await fetch('/api/products/' + item.dataset.id);
    const product = await r.json();
    const title = document.createElement('h2');
    title.textContent = product.name;
    const text = document.createElement('p');
    text.textContent = product.description;
    detail.replaceChildren(title, text);
    detail.dataset.id = product.id;
    productTiming = (performance.timeOrigin + event.timeStamp).toFixed(0) + ' ' + (performance.now() - event.timeStamp).toFixed(2);
  });
  app.replaceChildren(list);
  add.disabled = false;
  let seq = 0;
  add.addEventListener('click', async () => {
    add.disabled = true;
    const timing = productTiming;
    productTiming = '';
    try {
      const r = await fetch('/api/cart', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(timing ? { 'x-page-timing': timing } : {}) },
        body: JSON.stringify({ id: products[0].id }),
      });
      const body = await r.json();
      cart.dataset.status = r.ok ? 'ok' : 'error';
      cart.textContent = r.ok ? body.items + ' item(s) in cart' : 'error: ' + body.error;
    } catch (error) {
      cart.dataset.status = 'error';
      cart.textContent = 'error: ' + error;
    } finally {
      seq += 1;
      cart.dataset.seq = String(seq);
      add.disabled = false;
    }
  });
})();
`;

export const PRODUCTS = [
  { id: 'p1', name: 'Brain Boost', price: 29.99, description: 'A supplement for launch days.' },
  { id: 'p2', name: 'Calm Tea', price: 9.5, description: 'Chamomile and lemon balm, for after the launch.' },
  { id: 'p3', name: 'Focus Gum', price: 4.25, description: 'Peppermint, with a little caffeine.' },
];

/**
 * Pages for crawling: /about links to the shop, /help, a page of another
 * origin and a robots.txt-disallowed one, and its script adds a link to
 * /scripted that no HTML has.
 */
export const INFO_PAGES: Record<string, string> = {
  'GET /about': `<!doctype html><title>about</title><h1>About the demo shop</h1>
<p><a href="/">the shop</a> · <a href="/help#top">help</a> · <a href="https://elsewhere.example/">a site elsewhere</a> · <a href="/private/report">staff only</a> · <a href="mailto:shop@example.com">mail us</a></p>
<div id="more"></div>
<script>setTimeout(() => { const a = document.createElement('a'); a.href = '/scripted'; a.textContent = 'made by a script'; document.getElementById('more').append(a); }, 50);</script>`,
  'GET /help': `<!doctype html><title>help</title><h1>Help</h1><p><a href="/about">about</a> · <a href="/help">this page</a></p>`,
  'GET /scripted': `<!doctype html><title>scripted</title><h1>Found through a script's link</h1><p><a href="/about">about</a></p>`,
  'GET /private/report': `<!doctype html><title>private</title><h1>robots.txt says no</h1>`,
};

export const ROBOTS_TXT = `User-agent: *
Disallow: /private/
`;

/**
 * A sign-in page for scenarios that log in as many users (feeders): it
 * accepts a user whose password is "pw-" and the user's name, and says
 * welcome, or that the password is wrong.
 */
export const LOGIN_HTML = `<!doctype html><html><head><title>sign in</title></head><body><h1>Sign in</h1>
<form id="login"><input id="user" name="user" autocomplete="username"> <input id="password" name="password" type="password" autocomplete="current-password"> <button id="sign-in" type="submit">Sign in</button></form>
<p id="result"></p>
<script>
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = JSON.stringify({ user: document.getElementById('user').value, password: document.getElementById('password').value });
  const response = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const result = document.getElementById('result');
  result.id = response.ok ? 'welcome' : 'refused';
  result.textContent = response.ok ? 'Welcome, ' + (await response.json()).user : 'Wrong user or password';
});
</script></body></html>`;
