import { describe, expect, it } from 'vitest';
import { normalisedUrl, OTHER_LABEL, UrlLabeler } from './url-label.js';

describe('normalisedUrl', () => {
  it.each([
    ['https://shop.example/product/1234?ref=x#top', 'https://shop.example/product/:id'],
    ['https://shop.example/order/3f2b8c1e-9a4d-4e2f-8b1a-0c9d8e7f6a5b/items', 'https://shop.example/order/:uuid/items'],
    ['https://cdn.example/static/app.9f86d081884c7d65.js', 'https://cdn.example/static/app.9f86d081884c7d65.js'],
    ['https://cdn.example/blob/9f86d081884c7d659a2feaa0c55ad015', 'https://cdn.example/blob/:hash'],
    ['https://api.example/session/aZ3kQ9xV2mL8pR4tY7wB1cN6/cart', 'https://api.example/session/:token/cart'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/'],
    ['http://127.0.0.1:8080/api/products', 'http://127.0.0.1:8080/api/products'],
    ['data:image/png;base64,iVBORw0KGgo', 'data:'],
    ['not a url', OTHER_LABEL],
    // A malformed escape is labelled as it stands, not thrown on (a page's <img src="/img/100%/x.png">).
    ['http://127.0.0.1:8080/img/100%/x.png', 'http://127.0.0.1:8080/img/100%/x.png'],
    ['http://127.0.0.1:8080/%c0%ae%c0%ae/etc', 'http://127.0.0.1:8080/%c0%ae%c0%ae/etc'],
    ['http://127.0.0.1:8080/a%20b/1', 'http://127.0.0.1:8080/a b/:id'],
    // An escaped ESC stays escaped: labels go to terminals and requests.csv.
    ['http://127.0.0.1:8080/%1b%5b2J/x', 'http://127.0.0.1:8080/%1b%5b2J/x'],
  ])('%s → %s', (raw, label) => {
    expect(normalisedUrl(raw)).toBe(label);
  });
});

describe('UrlLabeler', () => {
  it("names URLs by the scenario's groups first, with * for a segment and ** for any", () => {
    const labeler = new UrlLabeler([
      { name: 'product page', match: '/product/*' },
      { name: 'assets', match: 'https://cdn.example/**' },
    ]);
    expect(labeler.label('https://shop.example/product/abc?x=1')).toBe('product page');
    expect(labeler.label('https://shop.example/product/abc/reviews')).toBe('https://shop.example/product/abc/reviews');
    expect(labeler.label('https://cdn.example/static/js/app.js')).toBe('assets');
  });

  it('puts every new label past the cap in "other", and keeps the ones it has', () => {
    const labeler = new UrlLabeler([], 2);
    expect(labeler.label('https://a.example/x')).toBe('https://a.example/x');
    expect(labeler.label('https://a.example/y')).toBe('https://a.example/y');
    expect(labeler.label('https://a.example/z')).toBe(OTHER_LABEL);
    expect(labeler.label('https://a.example/x?again=1')).toBe('https://a.example/x');
  });
});
