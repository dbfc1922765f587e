// check.mjs -- the contract against what the server did.
//
//   node check.mjs OPENAPI.json [RESPONSES.jsonl [UNANSWERED.txt]]
//
// Validates the document with an OpenAPI 3.1 validator, then every
// recorded JSON answer against its route's schema: a 2xx answer against
// the success schema of its status, an error against the envelope, and
// every status must be one the operation lists.  With UNANSWERED.txt (one
// "operationId reason" a line), every operation not named there must have
// been answered at least once, and every one named there must not have
// been (so the list cannot go stale).  Prints one line per mismatch and a
// summary; exits 1 on any, or when nothing was recorded.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [docPath, recPath, unansweredPath] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(docPath, "utf8"));
const v = new Validator();
const res = await v.validate(doc);
if (!res.valid) {
	console.log("document invalid: " + JSON.stringify(res.errors).slice(0, 2000));
	process.exit(1);
}
console.log(`document valid: OpenAPI ${v.version}, ${Object.keys(doc.paths).length} paths`);
if (!recPath) process.exit(0);

// The schemas refer to each other as "#/components/schemas/X": register
// the components under one id and resolve every name against it.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const base = "https://exodrive.invalid/openapi.json";
ajv.addSchema({ $id: base, components: doc.components });
const schemaOf = (ref) => ajv.getSchema(base + ref);

// Routes: literal paths before templated ones, as the server matches.
const methods = ["get", "put", "post", "delete", "patch", "head", "options"];
const routes = [];
for (const [path, item] of Object.entries(doc.paths))
	for (const [method, op] of Object.entries(item))
		if (methods.includes(method))
			routes.push({ method: method.toUpperCase(), path, op,
				rx: new RegExp("^" + path.replace(/\{[^}]+\}/g, "[^/]+") + "$"),
				params: (path.match(/\{/g) || []).length });
routes.sort((a, b) => a.params - b.params);

const own = (x) => x?.content?.["application/json"]?.schema?.$ref;
const answered = new Map();
let records = 0, checked = 0, bad = 0, unmatched = 0;
for (const line of readFileSync(recPath, "utf8").split("\n")) {
	if (!line) continue;
	records++;
	const rec = JSON.parse(line);
	const r = routes.find((x) => x.method === rec.method && x.rx.test(rec.path));
	if (!r) {
		if (rec.status < 400) unmatched++;
		continue;		// 404 and 405 of no operation: the envelope is checked by test-10
	}
	const key = `${rec.method} ${r.path} ${rec.status}`;
	const listed = r.op.responses[String(rec.status)];
	let ref;
	if (r.op.responses.default)	// answers everything in its own shape (tRPC)
		ref = own(r.op.responses.default);
	else if (!listed) {
		bad++;
		console.log(`${key}: status ${rec.status} is not in the document`);
		continue;
	} else
		ref = own(listed);
	answered.set(r.op.operationId, (answered.get(r.op.operationId) || 0) + 1);
	if (!ref || rec.body === null || rec.body === undefined)
		continue;		// not JSON (CSV, HTML, metrics text, 204)
	const validate = schemaOf(ref);
	checked++;
	if (!validate(rec.body)) {
		bad++;
		console.log(`${key}: ${ajv.errorsText(validate.errors).slice(0, 400)}`);
	}
}
if (records === 0) {
	console.log("no answer was recorded");
	process.exit(1);
}
const ops = routes.map((x) => x.op.operationId);
if (unansweredPath) {
	const excused = new Map();
	for (const line of readFileSync(unansweredPath, "utf8").split("\n")) {
		const m = line.match(/^([A-Za-z0-9_.]+)\s+(\S.*)$/);
		if (m) excused.set(m[1], m[2]);
	}
	for (const id of ops) {
		if (!answered.has(id) && !excused.has(id)) {
			bad++;
			console.log(`${id}: never answered`);
		} else if (answered.has(id) && excused.has(id)) {
			bad++;
			console.log(`${id}: answered ${answered.get(id)} times, yet listed as never answered`);
		}
	}
	for (const id of excused.keys())
		if (!ops.includes(id)) {
			bad++;
			console.log(`${id}: listed as never answered, but no such operation`);
		}
}
console.log(`checked ${checked} answers (${records} recorded) of ${answered.size}/${ops.length} operations; ` +
	`${bad} mismatches; ${unmatched} 2xx answers of no route`);
if (unmatched > 0) bad++;
process.exit(bad === 0 ? 0 : 1);
