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

/* KEYS: one per identity; ARGV: period (µs) and limit per key.  Every key
 * must admit the request; only then are the new TATs stored.  Returns
 * {allowed, limit, remaining, retry_after_s, reset_s}.  tau = period, so
 * exactly `limit` requests pass at one instant. */
static struct redis_script ratelimit_gcra = { .text =
"local t = redis.call('TIME')\n"
"local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
"local ok, lim, rem, retry, reset = 1, 0, -1, 0, 0\n"
"local tats = {}\n"
"for i = 1, #KEYS do\n"
"  local period = tonumber(ARGV[2 * i - 1])\n"
"  local limit = tonumber(ARGV[2 * i])\n"
"  local T = period / limit\n"
"  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')\n"
"  if tat < now then tat = now end\n"
"  local new_tat = tat + T\n"
"  local allow_at = new_tat - period\n"
"  if now < allow_at then\n"
"    ok = 0\n"
"    local ra = math.ceil((allow_at - now) / 1000000)\n"
"    if ra > retry then retry = ra end\n"
"    rem = 0\n"
"    lim = limit\n"
"  else\n"
"    local r = math.floor((period - (new_tat - now)) / T)\n"
"    if ok == 1 and (rem < 0 or r < rem) then rem = r; lim = limit end\n"
"  end\n"
"  tats[i] = new_tat\n"
"  local rs = math.ceil((new_tat - now) / 1000000)\n"
"  if rs > reset then reset = rs end\n"
"end\n"
"if ok == 1 then\n"
"  for i = 1, #KEYS do\n"
"    redis.call('SET', KEYS[i], string.format('%.0f', tats[i]), 'PX',\n"
"      math.ceil((tats[i] - now) / 1000) + 1000)\n"
"  end\n"
"end\n"
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

/* The identities a tier charges: up to two keys. */
static int
ratelimit_keys(struct req *r, enum rate_tier t, char keys[2][160])
{
	char acct[32];
	int n = 0;

	switch (t) {
	case RATE_PAYMENT:
		ratelimit_key(t, "ip", r->client_ip, keys[n++], 160);
		if (r->user_id != NULL)
			ratelimit_key(t, "user", r->user_id, keys[n++], 160);
		return n;
	case RATE_LOGIN:
		ratelimit_key(t, "ip", r->client_ip, keys[n++], 160);
		if (ratelimit_account(r, acct))
			ratelimit_key(t, "acct", acct, keys[n++], 160);
		return n;
	case RATE_PUBLIC:
	case RATE_WEBHOOK:
		ratelimit_key(t, "ip", r->client_ip, keys[n++], 160);
		return n;
	default:
		if (r->user_id != NULL)
			ratelimit_key(t, "user", r->user_id, keys[n++], 160);
		else
			ratelimit_key(t, "ip", r->client_ip, keys[n++], 160);
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
ratelimit_local(char keys[2][160], int n, const struct conf_rate *rt,
    struct ratelimit_verdict *v)
{
	int64_t now = clock_mono_us(), period = rt->seconds * 1000000LL, T,
	    tat[2], new_tat;
	uint64_t h[2];
	int i, slot[2];

	T = period / rt->limit;
	v->allowed = true;
	v->remaining = rt->limit;
	for (i = 0; i < n; i++) {
		h[i] = ratelimit_hash(keys[i]);
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
		v->reset = (long)((new_tat - now + 999999) / 1000000);
	}
	for (i = 0; i < n && v->allowed; i++) {
		ratelimit_local_tab[slot[i]].hash = h[i];
		ratelimit_local_tab[slot[i]].tat = tat[i] + T;
	}
}

void
ratelimit_check(struct req *r, enum rate_tier tier, struct ratelimit_verdict *v)
{
	const struct conf_rate *rt = ratelimit_tier_rate(tier);
	char keys[2][160], period[24], limit[24];
	const char *argv[6];
	long long out[5];
	int n, i;

	memset(v, 0, sizeof *v);
	if (rt == NULL || !conf->rate_limit_enabled ||
	    cidr_list_contains(&conf->rate_limit_exempt, r->client_ip))
		return;
	v->applied = true;
	v->limit = rt->limit;
	n = ratelimit_keys(r, tier, keys);
	snprintf(period, sizeof period, "%lld", rt->seconds * 1000000LL);
	snprintf(limit, sizeof limit, "%ld", rt->limit);
	for (i = 0; i < n; i++) {
		argv[i] = keys[i];
		argv[n + 2 * i] = period;
		argv[n + 2 * i + 1] = limit;
	}
	if (redis_eval(&ratelimit_gcra, n, argv, 3 * n, out, 5) == 5) {
		v->allowed = out[0] == 1;
		v->remaining = (long)out[2];
		v->retry_after = (long)out[3];
		v->reset = (long)out[4];
		return;
	}
	v->local = true;
	ratelimit_local(keys, n, rt, v);
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
	    RATE_WEBHOOK };
	char keys[16][160];
	const char *k[17];
	int i, n = 0;

	k[n++] = RATELIMIT_VIOLATIONS_KEY;
	if (identifier != NULL) {
		for (i = 0; i < 8; i++) {
			ratelimit_key(tiers[i], "ip", identifier, keys[2 * i], 160);
			ratelimit_key(tiers[i], "user", identifier, keys[2 * i + 1], 160);
			k[n++] = keys[2 * i];
			k[n++] = keys[2 * i + 1];
		}
	}
	return redis_del_many(k, n);
}
