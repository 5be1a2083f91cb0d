// A bring-your-own host over SSH as a site: its agent started detached (so a
// dropped connection does not end it) over a link that re-dials, helpers run
// in its run folder, and a cleanup that kills whatever of the run is left and
// removes the run folder.
import { posix } from 'node:path';
import type { AgentConfigInput } from '../../src/protocol/agent-config.js';
import { shellQuote } from '../../provisioning/probe.js';
import type { SshConnection } from '../ssh/connection.js';
import { helperUrl } from './helper.js';
import { afterMarker, markerLine } from './shell-output.js';
import type { ConnectedHost } from './probe-hosts.js';
import { processPattern, startRemoteAgent } from './remote-agent.js';
import { nodeCommandOf, uploadRunFiles } from './remote-files.js';
import type { AgentSite, SiteFile, SiteNotice } from './site.js';
import { SshLink } from './ssh-link.js';

/** `prelude`: what the run folder still needs (its links) before anything runs there; it comes first in the start. */
export function remoteSite(connected: ConnectedHost, runDir: string, agentId: string, prelude?: string): AgentSite {
  const { host } = connected;
  let link: SshLink | undefined;
  return {
    id: agentId,
    host: host.name,
    weight: host.weight,
    ...(host.maxVus !== undefined ? { maxVus: host.maxVus } : {}),
    start: (config: AgentConfigInput, notice: SiteNotice) => {
      // Dialled again for as long as the agent may still be waiting for us: its grace, and a little.
      link = new SshLink(connected.connection, connected.dial, (config.lostControllerMs ?? 60_000) + 10_000, notice);
      return startRemoteAgent(connected, link, runDir, config, prelude);
    },
    startHelper: (file) => startRemoteHelper(connected, runDir, file, prelude),
    cleanup: () => cleanUpRemote(connected, link, runDir),
  };
}

async function startRemoteHelper(connected: ConnectedHost, runDir: string, file: SiteFile, prelude?: string): Promise<string> {
  const uploaded = await uploadRunFiles(connected, [file], runDir);
  const before = [prelude, uploaded.prelude].filter(Boolean).map((command) => `${command} && `).join('');
  const command = `${before}cd ${shellQuote(runDir)} && TMPDIR=${shellQuote(runDir)} exec ${shellQuote(nodeCommandOf(connected))} ${shellQuote(posix.join(runDir, file.name))}`;
  const helper = await connected.connection.exec(command);
  const output = { onData: (listener: (text: string) => void) => helper.channel.on('data', (data: Buffer) => listener(data.toString())) };
  return helperUrl(`${connected.host.name}: ${file.name}`, output, helper.exited, helper.stderr);
}

const FOLDER_LEFT = 'squall-run-folder-left';
/** What cleanup prints before what it found left. */
const CLEANED = 'squall-cleanup';

async function cleanUpRemote(connected: ConnectedHost, link: SshLink | undefined, runDir: string): Promise<string[]> {
  const { host } = connected;
  const problems: string[] = [];
  // With the slash: run folders of two hosts on one machine may share a prefix (…-web1, …-web10).
  const pattern = shellQuote(processPattern(`${runDir}/`));
  let cleaner: SshConnection | undefined;
  try {
    // The run's connection, or a new one when it dropped for good (a lost host).
    cleaner = (link ? link.connection : connected.connection.isOpen ? connected.connection : undefined) ?? (await connected.dial());
    // One command. Its own command line must not hold the run folder's path as
    // pkill looks for it, or pkill would kill the shell that runs it: the
    // pattern is a regex that does not match itself, and the folder to remove
    // is put together from its parent and its name.
    const folder = `${shellQuote(posix.dirname(runDir))}/${shellQuote(posix.basename(runDir))}`;
    const cleaned = await cleaner.run(
      [
        markerLine(CLEANED),
        `pkill -KILL -f ${pattern}`,
        `for i in 1 2 3 4 5 6 7 8 9 10; do pgrep -f ${pattern} >/dev/null || break; sleep 0.2; done`,
        `pgrep -af ${pattern}`,
        `rm -rf ${folder}`,
        `[ -e ${folder} ] && echo ${FOLDER_LEFT}`,
        'true',
      ].join('; '),
    );
    const left = (afterMarker(cleaned.stdout, CLEANED) ?? '').trim().replace(FOLDER_LEFT, `folder ${runDir}`);
    if (left) problems.push(`${host.name}: still there after cleanup: ${left.split('\n').join('; ')}`);
  } catch (error) {
    problems.push(`${host.name}: cleanup failed: ${(error as Error).message}`);
  } finally {
    link?.close();
    connected.connection.close();
    cleaner?.close();
  }
  return problems;
}
