// bullmq-bench.mjs -- BullMQ 5's no-op throughput on the same Redis, the
// same way tests/load/queue-probe measures ours: one producer process
// adding N jobs in sequence, one worker (concurrency 1) processing them.
//
// Usage: node bullmq-bench.mjs produce|work SOCKET QUEUE N
import { Queue, Worker } from 'bullmq';

const [mode, path, name, nArg] = process.argv.slice(2);
const n = Number(nArg);
const connection = { path, maxRetriesPerRequest: null };

if (mode === 'produce') {
	const q = new Queue(name, { connection });
	const t0 = Date.now();
	for (let i = 0; i < n; i++)
		await q.add('noop', { t: Date.now() }, { removeOnComplete: 1000, removeOnFail: 1000 });
	console.log(`enqueue_per_s ${Math.round(n * 1000 / (Date.now() - t0))}`);
	await q.close();
} else {
	const lat = [];
	let first = 0, last = 0;
	await new Promise((resolve) => {
		const w = new Worker(name, async (job) => {
			const now = Date.now();
			if (!first) first = now;
			lat.push(now - job.data.t);
			if (lat.length === n) {
				last = now;
				resolve(w);
			}
		}, { connection, concurrency: 1 });
	}).then((w) => w.close());
	lat.sort((a, b) => a - b);
	console.log(`process_per_s ${Math.round(n * 1000 / Math.max(1, last - first))}`);
	console.log(`latency_ms_p50 ${lat[Math.floor(n / 2)].toFixed(2)}`);
	console.log(`latency_ms_p99 ${lat[Math.floor(n * 99 / 100)].toFixed(2)}`);
	const q = new Queue(name, { connection });
	await q.obliterate({ force: true });
	await q.close();
}
process.exit(0);
