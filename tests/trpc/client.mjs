// client.mjs -- @trpc/client (10 or 11, whichever is installed here)
// against the C server through the web server.
//
//   node client.mjs BASE ADMIN_TOKEN CUSTOMER_TOKEN CAR_ID
//
// Prints "ok - ..." or "not ok - ..." lines; exits 1 on any failure.
import { createRequire } from "node:module";
import * as trpc from "@trpc/client";
import superjson from "superjson";

const require = createRequire(import.meta.url);
const version = require("@trpc/client/package.json").version;
const major = Number(version.split(".")[0]);
const [base, adminToken, customerToken, carId] = process.argv.slice(2);
let failed = 0;
const check = (name, cond, extra = "") => {
	console.log(`${cond ? "ok" : "not ok"} - [trpc ${major}] ${name}${cond ? "" : " " + extra}`);
	if (!cond) failed++;
};

// v11 takes the transformer on the link, v10 on the client.
function client(path, { token, batch = true, sj = false } = {}) {
	const link = (batch ? trpc.httpBatchLink : trpc.httpLink)({
		url: base + path,
		headers: () => (token ? { authorization: "Bearer " + token } : {}),
		...(sj && major >= 11 ? { transformer: superjson } : {}),
	});
	const make = major >= 11 ? trpc.createTRPCClient : trpc.createTRPCProxyClient;
	return make({ links: [link], ...(sj && major < 11 ? { transformer: superjson } : {}) });
}
const errOf = async (p) => { try { await p; return null; } catch (e) { return e; } };

const pub = client("/trpc");
const one = await pub.car.list.query({ limit: 2 });
check("a query answers (car.list, 2 cars)", one.success === true && one.cars.length === 2);
const [byId, list] = await Promise.all([pub.car.byId.query({ carId }), pub.car.list.query({ limit: 1 })]);
check("two queries in one batch", byId.car.id === carId && list.cars.length === 1);

const single = client("/trpc", { batch: false });
const d = await single.car.byId.query({ carId });
check("httpLink (no batch) works too", d.car.id === carId);

let e = await errOf(pub.car.byId.query({ carId: "not-a-uuid" }));
check("bad input is BAD_REQUEST with httpStatus 400", e?.data?.code === "BAD_REQUEST" &&
	e?.data?.httpStatus === 400, JSON.stringify(e?.data));
check("naming the field", JSON.stringify(e?.data?.details ?? {}).includes("carId"));
check("never a stack", e?.data?.stack === undefined);
e = await errOf(pub.car.byId.query({ carId: "00000000-0000-4000-8000-000000000000" }));
check("an unknown car is NOT_FOUND (404)", e?.data?.code === "NOT_FOUND" && e?.data?.httpStatus === 404);
e = await errOf(pub.admin.analytics.query());
check("an admin procedure without a token is UNAUTHORIZED", e?.data?.code === "UNAUTHORIZED",
	JSON.stringify(e?.data));
e = await errOf(client("/trpc", { token: customerToken }).admin.analytics.query());
check("with a customer's token FORBIDDEN", e?.data?.code === "FORBIDDEN");
const adm = client("/trpc", { token: adminToken });
const an = await adm.admin.analytics.query();
check("with an admin's token it answers", Array.isArray(an.stats));
e = await errOf(pub.nope.query());
check("an unknown procedure is NOT_FOUND", e?.data?.code === "NOT_FOUND");

// A mutation: an admin re-marks a car's visibility (and back).
const vis = await adm.admin.car.setVisibility.mutate({ carId, hidden: false });
check("a mutation answers (admin.car.setVisibility)", vis.success === true || vis.hidden === false,
	JSON.stringify(vis));
e = await errOf(adm.admin.car.setVisibility.mutate({ carId, hidden: "yes" }));
check("a mutation's bad input is BAD_REQUEST", e?.data?.code === "BAD_REQUEST");

// superjson: Date inputs and undefined members.
const sj = client("/trpc/superjson", { sj: true });
const start = new Date(Date.UTC(2027, 5, 1)), end = new Date(Date.UTC(2027, 5, 3));
const av = await sj.car.availability.query({ carId, startDate: start, endDate: end, unused: undefined });
check("superjson: Date inputs are read as days", av.startDate === "2027-06-01" &&
	av.endDate === "2027-06-03" && av.availability.length === 3, JSON.stringify(av).slice(0, 200));
const car = await sj.car.byId.query({ carId });
check("superjson: instants in answers arrive as Dates", car.car.created_at instanceof Date &&
	!isNaN(car.car.created_at.getTime()), typeof car.car.created_at);
const sl = await sj.car.list.query(undefined);
check("superjson: an undefined input", sl.success === true);
e = await errOf(sj.car.byId.query({ carId: "bad" }));
check("superjson: errors come through", e?.data?.code === "BAD_REQUEST");

process.exit(failed === 0 ? 0 : 1);
