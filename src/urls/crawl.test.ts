import { describe, expect, it } from 'vitest';
import { CrawlFrontier } from './crawl.js';
import { parseRobots } from './robots.js';

describe('robots.txt', () => {
  it("takes our agent's group, else *, and the longest matching rule", () => {
    const robots = parseRobots(['User-agent: *', 'Disallow: /private/', 'Allow: /private/open', '', 'User-agent: badbot', 'Disallow: /'].join('\n'));
    expect(robots.allowed('/')).toBe(true);
    expect(robots.allowed('/private/x')).toBe(false);
    expect(robots.allowed('/private/open/1')).toBe(true);
    expect(parseRobots('User-agent: squall\nDisallow: /\n\nUser-agent: *\nDisallow:\n').allowed('/a')).toBe(false);
    expect(parseRobots('User-agent: *\nDisallow: /*.pdf$\n').allowed('/a.pdf')).toBe(false);
    expect(parseRobots('User-agent: *\nDisallow: /*.pdf$\n').allowed('/a.pdf.html')).toBe(true);
    expect(parseRobots('').allowed('/anything')).toBe(true);
  });
});

describe('the crawl frontier', () => {
  const SHOP = 'https://shop.example';
  const robots = new Map([[SHOP, parseRobots('User-agent: *\nDisallow: /private/')]]);

  it('queues each allowed page once, breadth first, and counts what it refused and why', () => {
    const frontier = new CrawlFrontier({ origins: [SHOP], maxDepth: 1, maxPages: 10, exclude: /logout/ }, robots);
    expect(frontier.offer(`${SHOP}/`, 0)).toBe(true);
    expect(frontier.offer(`${SHOP}/#top`, 1)).toBe(false);
    expect(frontier.offer(`${SHOP}/help`, 1)).toBe(true);
    expect(frontier.offer('https://elsewhere.example/', 1)).toBe(false);
    expect(frontier.offer(`${SHOP}/private/a`, 1)).toBe(false);
    expect(frontier.offer(`${SHOP}/logout`, 1)).toBe(false);
    expect(frontier.offer('mailto:shop@example.com', 1)).toBe(false);
    expect(frontier.offer(`${SHOP}/deep`, 2)).toBe(false);
    expect(frontier.refused).toEqual({ origin: 1, robots: 1, filter: 1 });
    expect([frontier.next(0)?.url, frontier.next(1)?.url, frontier.next(2)]).toEqual([`${SHOP}/`, `${SHOP}/help`, undefined]);
  });

  it('stops at the page budget', () => {
    const frontier = new CrawlFrontier({ origins: [SHOP], maxDepth: 5, maxPages: 1 }, new Map());
    frontier.offer(`${SHOP}/a`, 0);
    frontier.offer(`${SHOP}/b`, 1);
    expect(frontier.next(0)?.url).toBe(`${SHOP}/a`);
    expect(frontier.next(1)).toBeUndefined();
  });

  it('says why a hop of a redirect or a frame may not be loaded, whatever was seen before, and counts a page refused for it', () => {
    const frontier = new CrawlFrontier({ origins: [SHOP], maxDepth: 5, maxPages: 10 }, new Map([[SHOP, parseRobots('User-agent: *\nDisallow: /Types/\n')]]));
    frontier.offer(`${SHOP}/Types`, 0);
    expect(frontier.refusal(`${SHOP}/Types`)).toBeUndefined();
    expect(frontier.refusal(`${SHOP}/Types/`)).toBe('robots');
    expect(frontier.refusal('https://cdn.example/x.html')).toBe('origin');
    expect(frontier.refusal('about:blank')).toBeUndefined();
    frontier.refusedHop('robots');
    expect(frontier.refused).toEqual({ origin: 0, robots: 1, filter: 0 });
  });
});
