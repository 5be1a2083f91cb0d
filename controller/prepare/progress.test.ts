import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/io.js';
import { PrepareProgressView, progressFrame, stageKind } from './progress.js';

describe('prepare progress', () => {
  it('draws a line per host with a bar where the stage knows how far it is', () => {
    expect(progressFrame([{ name: 'web1', stage: 'node: sending 49.5 MB of 98.9 MB', fraction: 0.5 }, { name: 'db', stage: 'connecting' }])).toEqual([
      'web1  [##########----------] node: sending 49.5 MB of 98.9 MB',
      'db    connecting',
    ]);
  });

  it('off a terminal, prints a line when a stage changes, not when its counter moves', () => {
    const io = memoryIo();
    const view = new PrepareProgressView(io, ['h1']);
    view.update('h1', 'node: sending 1.0 MB of 98.9 MB', 0.01);
    view.update('h1', 'node: sending 50.0 MB of 98.9 MB', 0.5);
    view.update('h1', 'chromium: apt-get install chromium-headless-shell (3 s)');
    view.update('h1', 'chromium: apt-get install chromium-headless-shell (4 s)');
    view.finish();
    expect(io.stderr()).toBe('h1: node: sending 1.0 MB of 98.9 MB\nh1: chromium: apt-get install chromium-headless-shell (3 s)\n');
    expect(stageKind('node: sending 4.2 MB of 98.9 MB')).toBe(stageKind('node: sending 9.0 MB of 98.9 MB'));
  });
});
