// check.mjs -- the contract against what the server did.
//
//   node check.mjs OPENAPI.json [RESPONSES.jsonl]
//
// Validates the document with an OpenAPI 3.1 validator, then every
// recorded JSON answer against its route's schema: a 2xx answer against
// the success schema, an error against the error envelope.  Prints one
// line per mismatch and a summary; exits 1 on any.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [docPath, recPath] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(docPath, "utf8"));
const v = new Validator();
const res = await v.validate(doc);
if (!res.valid) {
	console.log("document invalid: " + JSON.stringify(res.errors).slice(0, 2000));
	process.exit(1);
}
console.log(`document valid: OpenAPI ${v.version}, ${Object.keys(doc.paths).length} paths`);
if (!recPath) process.exit(0);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const [name, schema] of Object.entries(doc.components.schemas))
	ajv.addSchema(schema, "#/components/schemas/" + name);

// Routes: literal paths before templated ones, as the server matches.
const routes = [];
for (const [path, item] of Object.entries(doc.paths))
	for (const [method, op] of Object.entries(item))
		routes.push({ method: method.toUpperCase(), path, op,
			rx: new RegExp("^" + path.replace(/\{[^}]+\}/g, "[^/]+") + "$"),
			params: (path.match(/\{/g) || []).length });
routes.sort((a, b) => a.params - b.params);

const seen = new Map();
let checked = 0, bad = 0, unmatched = 0;
for (const line of readFileSync(recPath, "utf8").split("\n")) {
	if (!line) continue;
	const rec = JSON.parse(line);
	const r = routes.find((x) => x.method === rec.method && x.rx.test(rec.path));
	if (!r && rec.status < 400) { unmatched++; continue; }
	const own = (x) => x?.content?.["application/json"]?.schema?.$ref;
	let ref;
	if (r && r.op.responses.default)	// answers everything in its own shape (tRPC)
		ref = own(r.op.responses.default);
	else if (rec.status >= 400)
		ref = "#/components/schemas/ErrorEnvelope";
	else if (!(ref = own(r.op.responses[String(rec.status)]))) {
		bad++;
		console.log(`${rec.method} ${r.path}: status ${rec.status} is not in the document`);
		continue;
	}
	const validate = ajv.getSchema(ref);
	checked++;
	const key = `${rec.method} ${r ? r.path : rec.path} ${rec.status}`;
	if (r) seen.set(r.op.operationId, (seen.get(r.op.operationId) || 0) + 1);
	if (!validate(rec.body)) {
		bad++;
		console.log(`${key}: ${ajv.errorsText(validate.errors).slice(0, 400)}`);
	}
}
const ops = routes.length;
console.log(`checked ${checked} answers of ${seen.size}/${ops} operations; ` +
	`${bad} mismatches; ${unmatched} 2xx answers of no route`);
if (unmatched > 0) bad++;
process.exit(bad === 0 ? 0 : 1);
