/* ratelimit.c -- GCRA per tier: Lua on Redis, or in process as fallback. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/sha.h>

#include "buf.h"
#include "clock.h"
#include "conf.h"
#include "log.h"
#include "ratelimit.h"
#include "redis.h"
#include "request.h"

/* KEYS: n bucket keys (one per identity), then their n override keys;
 * ARGV: period (µs) and limit per bucket.  An override holds a factor for
 * the limit; 0 exempts the identity.  Every bucket must admit the request;
 * only then are the new TATs stored.  Returns {allowed, limit, remaining,
 * retry_after_s, reset_s}, limit -1 when every identity is exempt;
 * reset_s counts the request only when it is admitted (stored).
 * tau = period, so exactly `limit` requests pass at one instant. */
static struct redis_script ratelimit_gcra = { .text =
"local t = redis.call('TIME')\n"
"local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
"local n = #KEYS / 2\n"
"local ok, lim, rem, retry, reset, held = 1, -1, -1, 0, 0, 0\n"
"local tats = {}\n"
"for i = 1, n do\n"
"  local period = tonumber(ARGV[2 * i - 1])\n"
"  local limit = tonumber(ARGV[2 * i])\n"
"  local f = tonumber(redis.call('GET', KEYS[n + i]) or '1') or 1\n"
"  if f > 0 then\n"
"    limit = math.max(1, math.floor(limit * f))\n"
"    local T = period / limit\n"
"    local tat = tonumber(redis.call('GET', KEYS[i]) or '0')\n"
"    if tat < now then tat = now end\n"
"    local new_tat = tat + T\n"
"    local allow_at = new_tat - period\n"
"    if now < allow_at then\n"
"      ok = 0\n"
"      local ra = math.ceil((allow_at - now) / 1000000)\n"
"      if ra > retry then retry = ra end\n"
"      rem = 0\n"
"      lim = limit\n"
"    else\n"
"      local r = math.floor((period - (new_tat - now)) / T)\n"
"      if ok == 1 and (rem < 0 or r < rem) then rem = r; lim = limit end\n"
"    end\n"
"    tats[i] = new_tat\n"
"    local rs = math.ceil((new_tat - now) / 1000000)\n"
"    if rs > reset then reset = rs end\n"
"    rs = math.ceil((tat - now) / 1000000)\n"
"    if rs > held then held = rs end\n"
"  end\n"
"end\n"
"if ok == 1 then\n"
"  for i = 1, n do\n"
"    if tats[i] then\n"
"      redis.call('SET', KEYS[i], string.format('%.0f', tats[i]), 'PX',\n"
"        math.ceil((tats[i] - now) / 1000) + 1000)\n"
"    end\n"
"  end\n"
"end\n"
"if ok == 0 then reset = held end\n"
"return {ok, lim, rem, retry, reset}\n"
};

static const char *
ratelimit_tier_name(enum rate_tier t)
{
	switch (t) {
	case RATE_PUBLIC:	return "public";
	case RATE_AUTH:		return "auth";
	case RATE_BOOKING:	return "booking";
	case RATE_PAYMENT:	return "payment";
	case RATE_UPLOAD:	return "upload";
	case RATE_WEBHOOK:	return "webhook";
	case RATE_CONTACT:	return "contact";
	case RATE_ADMIN:	return "admin";
	case RATE_LOGIN:	return "login";
	case RATE_NONE:
	case RATE__UNSET:	break;
	}
	return "none";
}

static const struct conf_rate *
ratelimit_tier_rate(enum rate_tier t)
{
	switch (t) {
	case RATE_PUBLIC:	return &conf->rate_public;
	case RATE_AUTH:		return &conf->rate_auth;
	case RATE_BOOKING:	return &conf->rate_booking;
	case RATE_PAYMENT:	return &conf->rate_payment;
	case RATE_UPLOAD:	return &conf->rate_upload;
	case RATE_WEBHOOK:	return &conf->rate_webhook;
	case RATE_CONTACT:	return &conf->rate_contact;
	case RATE_ADMIN:	return &conf->rate_admin;
	case RATE_LOGIN:	return &conf->rate_login;
	case RATE_NONE:
	case RATE__UNSET:	break;
	}
	return NULL;
}

void
ratelimit_key(enum rate_tier tier, const char *kind, const char *id,
    char *out, size_t len)
{
	snprintf(out, len, "rl:v1:%s:%s:%s", ratelimit_tier_name(tier), kind, id);
}

void
ratelimit_override_key(const char *kind, const char *id, char *out, size_t len)
{
	snprintf(out, len, "rl:v1:ovr:%s:%s", kind, id);
}

/* The account a login attempt names, hashed (no personal data in keys). */
static int
ratelimit_account(struct req *r, char *out)
{
	struct json_object *v;
	unsigned char md[SHA256_DIGEST_LENGTH];
	const char *email;
	int i;

	if (r->json == NULL || !json_object_object_get_ex(r->json, "email", &v) ||
	    !json_object_is_type(v, json_type_string))
		return 0;
	email = json_object_get_string(v);
	SHA256((const unsigned char *)email, strlen(email), md);
	for (i = 0; i < 12; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	return 1;
}

/* The identities a tier charges: up to two, as kind and id. */
static int
ratelimit_ids(struct req *r, enum rate_tier t, const char *kind[2],
    const char *id[2], char *acct)
{
	int n = 0;

	switch (t) {
	case RATE_PAYMENT:
		kind[n] = "ip", id[n++] = r->client_ip;
		if (r->user_id != NULL)
			kind[n] = "user", id[n++] = r->user_id;
		return n;
	case RATE_LOGIN:
		kind[n] = "ip", id[n++] = r->client_ip;
		if (ratelimit_account(r, acct))
			kind[n] = "acct", id[n++] = acct;
		return n;
	case RATE_PUBLIC:
	case RATE_WEBHOOK:
	case RATE_CONTACT:
		kind[n] = "ip", id[n++] = r->client_ip;
		return n;
	default:
		if (r->user_id != NULL)
			kind[n] = "user", id[n++] = r->user_id;
		else
			kind[n] = "ip", id[n++] = r->client_ip;
		return n;
	}
}

/* The in-process fallback: the same GCRA over a small table. */
#define RATELIMIT_SLOTS	1024
static struct { uint64_t hash; int64_t tat; } ratelimit_local_tab[RATELIMIT_SLOTS];

static uint64_t
ratelimit_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
ratelimit_local(struct ratelimit_verdict *v, const struct conf_rate *rt)
{
	int64_t now = clock_mono_us(), period = rt->seconds * 1000000LL, T,
	    tat[2], new_tat;
	uint64_t h[2];
	int i, slot[2];
	long held, max_held = 0;

	T = period / rt->limit;
	v->allowed = true;
	v->remaining = rt->limit;
	for (i = 0; i < v->nids; i++) {
		h[i] = ratelimit_hash(v->key[i]);
		slot[i] = (int)(h[i] % RATELIMIT_SLOTS);
		tat[i] = ratelimit_local_tab[slot[i]].hash == h[i] ?
		    ratelimit_local_tab[slot[i]].tat : now;
		if (tat[i] < now)
			tat[i] = now;
		new_tat = tat[i] + T;
		if (now < new_tat - period) {
			v->allowed = false;
			v->retry_after = (long)((new_tat - period - now + 999999) / 1000000);
			v->remaining = 0;
		} else if ((period - (new_tat - now)) / T < v->remaining)
			v->remaining = (long)((period - (new_tat - now)) / T);
		held = (long)((tat[i] - now + 999999) / 1000000);
		if (held > max_held)
			max_held = held;
		v->reset = (long)((new_tat - now + 999999) / 1000000);
	}
	if (!v->allowed)
		v->reset = max_held;
	for (i = 0; i < v->nids && v->allowed; i++) {
		ratelimit_local_tab[slot[i]].hash = h[i];
		ratelimit_local_tab[slot[i]].tat = tat[i] + T;
	}
}

/* Whether a tier stays limited (in process) while Redis is unreachable:
 * the writes that cost money or invite abuse.  The others fail open. */
static bool
ratelimit_fails_closed(enum rate_tier t)
{
	return t == RATE_BOOKING || t == RATE_PAYMENT || t == RATE_LOGIN ||
	    t == RATE_CONTACT;
}

/* Whether the configuration exempts r: its address, or its user. */
static bool
ratelimit_exempt(const struct req *r)
{
	const char *u = conf->rate_limit_exempt_users, *p;
	size_t len;

	if (cidr_list_contains(&conf->rate_limit_exempt, r->client_ip))
		return true;
	if (r->user_id == NULL || *u == '\0')
		return false;
	len = strlen(r->user_id);
	for (p = strstr(u, r->user_id); p != NULL; p = strstr(p + 1, r->user_id)) {
		if ((p == u || p[-1] == ',' || p[-1] == ' ') &&
		    (p[len] == '\0' || p[len] == ',' || p[len] == ' '))
			return true;
	}
	return false;
}

bool
ratelimit_begin(struct req *r, enum rate_tier tier, struct ratelimit_verdict *v,
    struct redis_call *call)
{
	const struct conf_rate *rt = ratelimit_tier_rate(tier);
	const char *kind[2], *id[2];
	char acct[32];
	int i, n;

	memset(v, 0, sizeof *v);
	if (rt == NULL || !conf->rate_limit_enabled || ratelimit_exempt(r))
		return false;
	v->applied = true;
	v->limit = rt->limit;
	v->policy = ratelimit_tier_name(tier);
	v->window = rt->seconds;
	n = v->nids = ratelimit_ids(r, tier, kind, id, acct);
	snprintf(v->period, sizeof v->period, "%lld", rt->seconds * 1000000LL);
	snprintf(v->limit_s, sizeof v->limit_s, "%ld", rt->limit);
	memset(call, 0, sizeof *call);
	call->script = &ratelimit_gcra;
	call->nkeys = 2 * n;
	call->argc = 4 * n;
	for (i = 0; i < n; i++) {
		ratelimit_key(tier, kind[i], id[i], v->key[i], sizeof v->key[i]);
		ratelimit_override_key(kind[i], id[i], v->key[n + i],
		    sizeof v->key[n + i]);
		call->argv[i] = v->key[i];
		call->argv[n + i] = v->key[n + i];
		call->argv[2 * n + 2 * i] = v->period;
		call->argv[2 * n + 2 * i + 1] = v->limit_s;
	}
	return true;
}

void
ratelimit_end(enum rate_tier tier, struct ratelimit_verdict *v,
    struct redis_call *call)
{
	const struct conf_rate *rt = ratelimit_tier_rate(tier);

	if (!v->applied)
		return;
	if (call->nval == 5) {
		v->applied = call->val[1].i >= 0;
		v->allowed = call->val[0].i == 1;
		v->limit = (long)call->val[1].i;
		v->remaining = (long)call->val[2].i;
		v->retry_after = (long)call->val[3].i;
		v->reset = (long)call->val[4].i;
		redis_call_free(call);
		return;
	}
	redis_call_free(call);
	v->local = true;
	if (!ratelimit_fails_closed(tier)) {
		v->applied = false;
		return;
	}
	ratelimit_local(v, rt);
}

void
ratelimit_check(struct req *r, enum rate_tier tier, struct ratelimit_verdict *v)
{
	struct redis_call call;

	if (ratelimit_begin(r, tier, v, &call))
		(void)redis_run(&call, 1);
	ratelimit_end(tier, v, &call);
}

#define RATELIMIT_VIOLATIONS_KEY	"rl:v1:violations"

void
ratelimit_record(struct req *r, enum rate_tier tier, const char *route)
{
	struct buf b;
	char ts[40];

	clock_iso8601(ts, sizeof ts);
	buf_init(&b);
	buf_adds(&b, "{\"identifier\":");
	buf_add_json_string(&b, r->user_id ? r->user_id : r->client_ip);
	buf_printf(&b, ",\"tier\":\"%s\",\"endpoint\":", ratelimit_tier_name(tier));
	buf_add_json_string(&b, route);
	buf_printf(&b, ",\"timestamp\":\"%s\",\"epoch\":%lld}", ts,
	    (long long)(clock_wall_ms() / 1000));
	(void)redis_push_capped(RATELIMIT_VIOLATIONS_KEY, b.data,
	    RATELIMIT_VIOLATIONS_MAX);
	buf_free(&b);
}

int
ratelimit_violations(char ***items)
{
	return redis_list(RATELIMIT_VIOLATIONS_KEY, RATELIMIT_VIOLATIONS_MAX, items);
}

int
ratelimit_forget(const char *identifier)
{
	static const enum rate_tier tiers[] = { RATE_PUBLIC, RATE_AUTH,
	    RATE_BOOKING, RATE_ADMIN, RATE_LOGIN, RATE_PAYMENT, RATE_UPLOAD,
	    RATE_WEBHOOK, RATE_CONTACT };
#define NTIERS	(sizeof tiers / sizeof tiers[0])
	char keys[2 * NTIERS][160];
	const char *k[2 * NTIERS + 1];
	int n = 0;
	size_t i;

	k[n++] = RATELIMIT_VIOLATIONS_KEY;
	if (identifier != NULL) {
		for (i = 0; i < NTIERS; i++) {
			ratelimit_key(tiers[i], "ip", identifier, keys[2 * i], 160);
			ratelimit_key(tiers[i], "user", identifier, keys[2 * i + 1], 160);
			k[n++] = keys[2 * i];
			k[n++] = keys[2 * i + 1];
		}
	}
	return redis_del_many(k, n);
}

#define RATELIMIT_OVERRIDES_KEY		"rl:v1:ovr:index"

/* KEYS: the override, the index; ARGV: factor, ttl, index member. */
static struct redis_script ratelimit_ovr_set = { .text =
"redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])\n"
"redis.call('SADD', KEYS[2], ARGV[3])\n"
"return 1\n"
};

/* KEYS: the index; ARGV: the override key prefix.  Returns the live
 * overrides as a JSON array; forgets expired members. */
static struct redis_script ratelimit_ovr_list = { .text =
"local out = {}\n"
"for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do\n"
"  local k = ARGV[1] .. m\n"
"  local v = redis.call('GET', k)\n"
"  if v then\n"
"    local c = string.find(m, ':', 1, true)\n"
"    out[#out + 1] = { kind = string.sub(m, 1, c - 1),\n"
"      id = string.sub(m, c + 1), factor = tonumber(v),\n"
"      expiresIn = redis.call('TTL', k) }\n"
"  else redis.call('SREM', KEYS[1], m) end\n"
"end\n"
"if #out == 0 then return '[]' end\n"
"return cjson.encode(out)\n"
};

int
ratelimit_override_set(const char *kind, const char *id, long factor, long ttl)
{
	char key[200], member[200], f[24], t[24];
	const char *argv[5] = { key, RATELIMIT_OVERRIDES_KEY, f, t, member };
	long long out;

	ratelimit_override_key(kind, id, key, sizeof key);
	snprintf(member, sizeof member, "%s:%s", kind, id);
	snprintf(f, sizeof f, "%ld", factor);
	snprintf(t, sizeof t, "%ld", ttl);
	return redis_eval(&ratelimit_ovr_set, 2, argv, 5, &out, 1) == 1 ? 0 : -1;
}

int
ratelimit_override_del(const char *kind, const char *id)
{
	char key[200], member[200];
	const char *del[2] = { "DEL", key };
	const char *srem[3] = { "SREM", RATELIMIT_OVERRIDES_KEY, member };
	const char *const *argv[2] = { del, srem };
	const int argc[2] = { 2, 3 };

	ratelimit_override_key(kind, id, key, sizeof key);
	snprintf(member, sizeof member, "%s:%s", kind, id);
	return redis_send(2, argc, argv);
}

int
ratelimit_overrides(struct buf *json)
{
	struct redis_call call = { .script = &ratelimit_ovr_list, .nkeys = 1,
	    .argc = 2, .argv = { RATELIMIT_OVERRIDES_KEY, "rl:v1:ovr:" } };
	int rc = -1;

	if (redis_run(&call, 1) == 0 && call.nval == 1 &&
	    call.val[0].type == REDIS_VAL_STR) {
		buf_add(json, call.val[0].s, call.val[0].len);
		rc = 0;
	}
	redis_call_free(&call);
	return rc;
}
