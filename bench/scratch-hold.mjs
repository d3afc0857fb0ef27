// start platform, print pids, hold until killed
import { BenchEnvironment } from '/work/main/bench/environment.mjs';
import { ALL_SERVICES } from '@gardien/contracts';
const env = new BenchEnvironment();
env.disposeOnSignals();
const platform = await env.prepare();
const processes = await env.launch(platform, JSON.parse(process.env.EXTRA ?? '{}'));
console.log(processes.edgeUrl, JSON.stringify(Object.fromEntries(ALL_SERVICES.map((s) => [s, processes.pid(s)]))));
await new Promise(() => {});
