/* ratelimit.c -- GCRA per tier: Lua on Redis, or in process as fallback. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/sha.h>

#include "buf.h"
#include "clock.h"
#include "conf.h"
#include "log.h"
#include "ratelimit.h"
#include "redis.h"
#include "request.h"
#include "rltable.h"

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

/* --- the local store: the host's table (rltable.c) --------------------- */

static struct rltable	*ratelimit_tab;
static int		 ratelimit_tab_state;	/* 0 untried, 1 mapped, -1 not */

static int64_t
ratelimit_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool
ratelimit_store_local(void)
{
	static const struct conf *seen;
	static bool local;
	struct redis_addr a;

	if (conf == seen)
		return local;
	seen = conf;
	switch (conf->rate_limit_store) {
	case RATE_STORE_LOCAL:
		return local = true;
	case RATE_STORE_REDIS:
		return local = false;
	default:
		break;
	}
	if (conf->redis_sentinels[0] != '\0' ||
	    redis_parse_url(conf->redis_url, &a) != 0)
		return local = false;
	return local = a.path[0] != '\0' || strcmp(a.host, "127.0.0.1") == 0 ||
	    strcmp(a.host, "::1") == 0 || strcmp(a.host, "[::1]") == 0 ||
	    strcmp(a.host, "localhost") == 0 || strncmp(a.host, "127.", 4) == 0;
}

static void ratelimit_load_overrides(struct rltable *t);

/* The host's table, mapped on first use; NULL when unavailable. */
static struct rltable *
ratelimit_table(void)
{
	char path[1024];

	if (ratelimit_tab_state != 0)
		return ratelimit_tab;
	if (conf->rate_limit_file[0] != '\0')
		snprintf(path, sizeof path, "%s", conf->rate_limit_file);
	else if (conf->metrics_file[0] != '\0')
		snprintf(path, sizeof path, "%s-ratelimit", conf->metrics_file);
	else
		path[0] = '\0';	/* neither file named: no host table */
	ratelimit_tab = path[0] != '\0' ? rltable_open(path,
	    (size_t)conf->rate_limit_local_slots) : NULL;
	ratelimit_tab_state = ratelimit_tab != NULL ? 1 : -1;
	if (ratelimit_tab == NULL) {
		LOG_WARN("rate-limit table %s unavailable: decisions go to Redis",
		    path[0] != '\0' ? path : "(no RATE_LIMIT_FILE, no METRICS_FILE)");
		return NULL;
	}
	ratelimit_load_overrides(ratelimit_tab);
	return ratelimit_tab;
}

static uint64_t
ratelimit_override_hash(const char *kind, const char *id)
{
	char key[200];

	ratelimit_override_key(kind, id, key, sizeof key);
	return rltable_hash(key);
}

/* Decide v in the host's table.  Returns false when an identity found no
 * room (the caller asks Redis instead). */
static bool
ratelimit_table_decide(struct rltable *tab, struct ratelimit_verdict *v,
    const struct conf_rate *rt, const char *const kind[2],
    const char *const id[2])
{
	int64_t now = ratelimit_wall_us(), period = rt->seconds * 1000000LL;
	struct rltable_charge ch[2];
	enum rltable_verdict got[2];
	uint64_t key[2];
	bool used[2] = { false, false }, any = false;
	long f, limit[2], r, held = 0;
	int i, j;

	v->allowed = true;
	v->remaining = -1;
	v->retry_after = v->reset = 0;
	for (i = 0; i < v->nids; i++) {
		f = rltable_override_get(tab, ratelimit_override_hash(kind[i],
		    id[i]), now / 1000000);
		if (f == 0)
			continue;	/* exempt */
		limit[i] = f > 0 ? rt->limit * f : rt->limit;
		if (limit[i] < 1)
			limit[i] = 1;
		key[i] = rltable_hash(v->key[i]);
		ch[i].period = period;
		ch[i].interval = period / limit[i];
		got[i] = rltable_charge(tab, key[i], now, &ch[i]);
		if (got[i] == RLTABLE_FULL) {
			for (j = 0; j < i; j++)
				if (used[j] && got[j] == RLTABLE_ALLOW)
					rltable_refund(tab, key[j], ch[j].interval);
			return false;
		}
		used[i] = any = true;
	}
	if (!any) {
		v->applied = false;	/* every identity is exempt */
		return true;
	}
	for (i = 0; i < v->nids; i++) {
		if (!used[i])
			continue;
		if (got[i] == RLTABLE_DENY) {
			v->allowed = false;
			r = (long)((ch[i].tat - period - now + 999999) / 1000000);
			if (r > v->retry_after)
				v->retry_after = r;
			v->remaining = 0;
			v->limit = limit[i];
		} else {
			r = (long)((period - (ch[i].tat - now)) / ch[i].interval);
			if (v->allowed && (v->remaining < 0 || r < v->remaining)) {
				v->remaining = r;
				v->limit = limit[i];
			}
		}
		r = (long)((ch[i].tat - now + 999999) / 1000000);
		if (r > v->reset)
			v->reset = r;
		/* held: the TAT without this request, what a refusal reports */
		r = (long)((ch[i].tat - ch[i].interval - now + 999999) / 1000000);
		if (r > held)
			held = r;
	}
	if (!v->allowed)
		v->reset = held;
	if (!v->allowed)	/* only then are the new TATs kept */
		for (i = 0; i < v->nids; i++)
			if (used[i] && got[i] == RLTABLE_ALLOW)
				rltable_refund(tab, key[i], ch[i].interval);
	return true;
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

	if (ratelimit_tab != NULL && v->kind[0] != NULL &&
	    ratelimit_table_decide(ratelimit_tab, v, rt, v->kind, v->id))
		return;
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
	for (i = 0; i < n; i++) {
		ratelimit_key(tier, kind[i], id[i], v->key[i], sizeof v->key[i]);
		ratelimit_override_key(kind[i], id[i], v->key[n + i],
		    sizeof v->key[n + i]);
		v->kind[i] = kind[i];
		snprintf(v->idbuf[i], sizeof v->idbuf[i], "%s", id[i]);
		v->id[i] = v->idbuf[i];
	}
	if (ratelimit_store_local() && ratelimit_table() != NULL &&
	    ratelimit_table_decide(ratelimit_tab, v, rt, v->kind, v->id)) {
		v->store_local = true;
		return false;	/* decided here: no round trip */
	}
	snprintf(v->period, sizeof v->period, "%lld", rt->seconds * 1000000LL);
	snprintf(v->limit_s, sizeof v->limit_s, "%ld", rt->limit);
	memset(call, 0, sizeof *call);
	call->script = &ratelimit_gcra;
	call->nkeys = 2 * n;
	call->argc = 4 * n;
	for (i = 0; i < n; i++) {
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

	if (!v->applied || v->store_local)
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
	(void)ratelimit_table();	/* the host's table, if any, decides */
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

/* Send the buffered violations to Redis in one round trip. */
void
ratelimit_flush(void)
{
	static char texts[RLTABLE_RING][RLTABLE_RING_TEXT];
	const char *push[RLTABLE_RING + 2], *trim[4];
	const char *const *argv[2] = { push, trim };
	int argc[2], n, i;
	char stop[24];

	if (ratelimit_tab == NULL || rltable_ring_count(ratelimit_tab, NULL) == 0)
		return;
	n = rltable_ring_take(ratelimit_tab, texts, RLTABLE_RING);
	if (n == 0)
		return;
	push[0] = "LPUSH", push[1] = RATELIMIT_VIOLATIONS_KEY;
	for (i = 0; i < n; i++)
		push[2 + i] = texts[i];
	snprintf(stop, sizeof stop, "%d", RATELIMIT_VIOLATIONS_MAX - 1);
	trim[0] = "LTRIM", trim[1] = RATELIMIT_VIOLATIONS_KEY, trim[2] = "0";
	trim[3] = stop;
	argc[0] = n + 2, argc[1] = 4;
	if (redis_send(2, argc, argv) != 0)
		LOG_DEBUG("%d rate-limit violations not recorded: Redis unreachable", n);
}

void
ratelimit_record(struct req *r, enum rate_tier tier, const char *route)
{
	int64_t since;
	struct buf b;
	char ts[40];
	int n;

	clock_iso8601(ts, sizeof ts);
	buf_init(&b);
	buf_adds(&b, "{\"identifier\":");
	buf_add_json_string(&b, r->user_id ? r->user_id : r->client_ip);
	buf_printf(&b, ",\"tier\":\"%s\",\"endpoint\":", ratelimit_tier_name(tier));
	buf_add_json_string(&b, route);
	buf_printf(&b, ",\"timestamp\":\"%s\",\"epoch\":%lld}", ts,
	    (long long)(clock_wall_ms() / 1000));
	/* Buffered in the host's table, flushed a second after the first,
	 * when the ring fills, when a responder idles, and before they are
	 * read. */
	if (ratelimit_table() != NULL &&
	    ((n = rltable_ring_push(ratelimit_tab, b.data, clock_mono_us())) > 0 ||
	    (n == 0 && (ratelimit_flush(), 1) &&
	    rltable_ring_push(ratelimit_tab, b.data, clock_mono_us()) > 0))) {
		if (rltable_ring_count(ratelimit_tab, &since) > 0 &&
		    clock_mono_us() - since > 1000000)
			ratelimit_flush();
	} else
		(void)redis_push_capped(RATELIMIT_VIOLATIONS_KEY, b.data,
		    RATELIMIT_VIOLATIONS_MAX);
	buf_free(&b);
}

int
ratelimit_violations(char ***items)
{
	(void)ratelimit_table();
	ratelimit_flush();
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

	(void)ratelimit_table();
	ratelimit_flush();
	k[n++] = RATELIMIT_VIOLATIONS_KEY;
	if (identifier != NULL) {
		for (i = 0; i < NTIERS; i++) {
			ratelimit_key(tiers[i], "ip", identifier, keys[2 * i], 160);
			ratelimit_key(tiers[i], "user", identifier, keys[2 * i + 1], 160);
			if (ratelimit_tab != NULL) {
				(void)rltable_reset(ratelimit_tab,
				    rltable_hash(keys[2 * i]), ratelimit_wall_us());
				(void)rltable_reset(ratelimit_tab,
				    rltable_hash(keys[2 * i + 1]), ratelimit_wall_us());
			}
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
	int rc;

	ratelimit_override_key(kind, id, key, sizeof key);
	snprintf(member, sizeof member, "%s:%s", kind, id);
	snprintf(f, sizeof f, "%ld", factor);
	snprintf(t, sizeof t, "%ld", ttl);
	rc = redis_eval(&ratelimit_ovr_set, 2, argv, 5, &out, 1) == 1 ? 0 : -1;
	/* The host's table holds a copy that its decisions read. */
	if (ratelimit_table() != NULL &&
	    rltable_override_set(ratelimit_tab, rltable_hash(key), factor,
	    (int64_t)time(NULL) + ttl) != 0) {
		LOG_WARN("rate-limit override %s not kept in the host's table: "
		    "it is full", member);
		if (ratelimit_store_local())
			rc = -1;
	}
	return rc;
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
	if (ratelimit_table() != NULL)
		rltable_override_del(ratelimit_tab, rltable_hash(key));
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

/* Copy the live overrides kept in Redis into a new host table (once per
 * table: the first process that maps it). */
static void
ratelimit_load_overrides(struct rltable *t)
{
	struct json_object *all, *o, *v;
	struct buf b;
	char key[200];
	int64_t now = (int64_t)time(NULL);
	size_t i, n;
	bool ok;

	if (!rltable_overrides_claim(t))
		return;
	buf_init(&b);
	ok = ratelimit_overrides(&b) == 0;
	all = ok ? json_tokener_parse(b.data) : NULL;
	n = all != NULL && json_object_is_type(all, json_type_array) ?
	    json_object_array_length(all) : 0;
	for (i = 0; i < n; i++) {
		const char *kind, *id;
		long factor, ttl;

		o = json_object_array_get_idx(all, i);
		if (!json_object_object_get_ex(o, "kind", &v) ||
		    (kind = json_object_get_string(v)) == NULL ||
		    !json_object_object_get_ex(o, "id", &v) ||
		    (id = json_object_get_string(v)) == NULL)
			continue;
		factor = json_object_object_get_ex(o, "factor", &v) ?
		    (long)json_object_get_int64(v) : 1;
		ttl = json_object_object_get_ex(o, "expiresIn", &v) ?
		    (long)json_object_get_int64(v) : 0;
		ratelimit_override_key(kind, id, key, sizeof key);
		if (ttl > 0)
			(void)rltable_override_set(t, rltable_hash(key), factor,
			    now + ttl);
	}
	if (all != NULL)
		json_object_put(all);
	buf_free(&b);
	rltable_overrides_loaded(t, ok);
}

void
ratelimit_exposition(struct buf *o)
{
	bool local = ratelimit_store_local(), mapped = ratelimit_table() != NULL;

	buf_printf(o, "# HELP exodrive_rate_limit_store The store that takes "
	    "rate-limit decisions (1: in use).\n"
	    "# TYPE exodrive_rate_limit_store gauge\n"
	    "exodrive_rate_limit_store{store=\"local\"} %d\n"
	    "exodrive_rate_limit_store{store=\"redis\"} %d\n",
	    local && mapped, !local || !mapped);
	if (!mapped)
		return;
	buf_printf(o, "# HELP exodrive_rate_limit_local_full_total Decisions "
	    "the host's table had no room for (taken by Redis instead).\n"
	    "# TYPE exodrive_rate_limit_local_full_total counter\n"
	    "exodrive_rate_limit_local_full_total %llu\n"
	    "# HELP exodrive_rate_limit_local_slots Buckets of the host's "
	    "table, and those holding an identity.\n"
	    "# TYPE exodrive_rate_limit_local_slots gauge\n"
	    "exodrive_rate_limit_local_slots{state=\"total\"} %zu\n"
	    "exodrive_rate_limit_local_slots{state=\"used\"} %zu\n",
	    (unsigned long long)rltable_full_count(ratelimit_tab),
	    rltable_slots(ratelimit_tab), rltable_used(ratelimit_tab));
}
