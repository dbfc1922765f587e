// wire.mjs -- the tRPC wire rules @trpc/client (10 or 11, whichever is
// installed here) meets at the edges: malformed input (v10's PARSE_ERROR,
// v11's BAD_REQUEST), a method tRPC does not serve (405 in tRPC's error
// shape, which the client reads), and HEAD (204 with no body).  The
// client never sends these by itself: a fetch of our own, given to the
// link, bends its request on the way out.
//
//   node wire.mjs BASE
//
// Prints "ok - ..." or "not ok - ..." lines; exits 1 on any failure.
import { createRequire } from "node:module";
import * as trpc from "@trpc/client";

const require = createRequire(import.meta.url);
const version = require("@trpc/client/package.json").version;
const major = Number(version.split(".")[0]);
const [base] = process.argv.slice(2);
let failed = 0;
const check = (name, cond, extra = "") => {
	console.log(`${cond ? "ok" : "not ok"} - [trpc ${major}] ${name}${cond ? "" : " " + extra}`);
	if (!cond) failed++;
};
const seen = [];
function client(bend, batch = true) {
	const fetch = (url, init) => {
		const r = bend(String(url), { ...init });
		seen.push(r);
		return globalThis.fetch(r.url, r.init);
	};
	const link = (batch ? trpc.httpBatchLink : trpc.httpLink)({ url: base + "/trpc", fetch });
	const make = major >= 11 ? trpc.createTRPCClient : trpc.createTRPCProxyClient;
	return make({ links: [link] });
}
const errOf = async (p) => { try { await p; return null; } catch (e) { return e; } };

// Malformed input: the input parameter cut short.
const broken = client((url, init) => ({ url: url.replace(/input=[^&]*/, "input=%7Bbad"), init }), false);
let e = await errOf(broken.car.list.query({ limit: 1 }));
if (major < 11) {
	check("malformed input: PARSE_ERROR (-32700, 400), as tRPC 10 answers it",
		e?.data?.code === "PARSE_ERROR" && e?.shape?.code === -32700 && e?.data?.httpStatus === 400,
		JSON.stringify(e?.shape));
	check("with no path (a request-level error in 10)", e?.data?.path === undefined, JSON.stringify(e?.data));
} else {
	check("malformed input: BAD_REQUEST (-32600, 400), as tRPC 11 answers it",
		e?.data?.code === "BAD_REQUEST" && e?.shape?.code === -32600 && e?.data?.httpStatus === 400,
		JSON.stringify(e?.shape));
	check("naming the procedure (path car.list)", e?.data?.path === "car.list", JSON.stringify(e?.data));
}
const sentType = seen.at(-1)?.init?.headers?.["content-type"] ?? seen.at(-1)?.init?.headers?.["Content-Type"];
check(`the client ${major < 11 ? "sends" : "sends no"} Content-Type on a GET (how the server tells them apart)`,
	major < 11 ? sentType === "application/json" : sentType === undefined, String(sentType));

// A method tRPC does not serve: PUT, then DELETE.
for (const method of ["PUT", "DELETE"]) {
	const put = client((url, init) => ({ url, init: { ...init, method } }));
	e = await errOf(put.car.list.query({ limit: 1 }));
	check(`${method}: the client reads METHOD_NOT_SUPPORTED (405) from the answer`,
		e?.data?.code === "METHOD_NOT_SUPPORTED" && e?.data?.httpStatus === 405 && e?.shape?.code === -32005,
		String(e?.message) + " " + JSON.stringify(e?.shape));
	check(`${method}: its message names the method and the procedure`,
		e?.message === `Unsupported ${method}-request to query procedure at path "car.list"`, String(e?.message));
}

// HEAD: 204 with no body, through the same fetch the client uses.
const head = await fetch(base + "/trpc/car.list", { method: "HEAD" });
check("HEAD /trpc/car.list: 204 with no body", head.status === 204 && (await head.text()) === "", String(head.status));
// And the client goes on working.
const ok = client((url, init) => ({ url, init }));
const list = await ok.car.list.query({ limit: 1 });
check("a query still answers", list?.cars?.length === 1);

process.exit(failed === 0 ? 0 : 1);
