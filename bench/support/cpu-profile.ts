// Preloaded (`node --require`) into a service by BENCH_PROF=1: Node 20 does not accept --cpu-prof in
// NODE_OPTIONS, so the profile is taken through the inspector and written to /tmp/prof when the process
// exits (the stack stops its services with SIGTERM, which they handle by exiting).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, join } from 'node:path';

const dir = process.env.BENCH_PROF_DIR ?? '/tmp/prof';
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 250 });
session.post('Profiler.start');

process.once('exit', () => {
  // The in-process inspector session answers synchronously, so this completes before the process ends.
  session.post('Profiler.stop', (err, res) => {
    if (err) return;
    mkdirSync(dir, { recursive: true });
    const app = basename(join(process.argv[1] ?? 'node', '..', '..'));
    writeFileSync(join(dir, `${app}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
  });
});
