/* test_booking.c -- the booking domain without a database.
 *
 * The clock, the transaction, the repositories, the outbox, the cache and
 * PayPal are swapped with -Wl,--wrap (Makefile.am): each fake records its
 * call in w.log, so a test reads which effects a move had. */
#include "config.h"

#include <stdio.h>

#include <json-c/json.h>

#include "test_common.h"

#include "booking.h"
#include "repo.h"

/* The fakes below stand for functions declared in the headers under
 * their real names; the linker sends the calls here. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"

/* The fake result set of a repository query. */
struct db_res {
	const char	*v[4][9];
	int		 n;
};

static struct {
	char		 status[40];	/* the booking's overall status */
	bool		 own;		/* it is the calling customer's */
	char		 pay[32];	/* its payment's status ("" none) */
	int64_t		 authorized_at;	/* epoch seconds */
	int64_t		 now_ms;	/* the clock */
	enum paypal_rc	 reauth_rc, capture_rc, void_rc;
	bool		 capture_moves;	/* capture_once changes the row */
	int		 lapsed;	/* hold_lapsed: 1 lapsed, 0 paid meanwhile */
	char		 holds_now[40];	/* what holds_due was asked for */
	struct db_res	 res;
	char		 log[4096];
} w;

static void
note(const char *fmt, ...)
{
	size_t n = strlen(w.log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w.log + n, sizeof w.log - n, fmt, ap);
	va_end(ap);
	n = strlen(w.log);
	snprintf(w.log + n, sizeof w.log - n, ";");
}

static bool
did(const char *what)
{
	return strstr(w.log, what) != NULL;
}

static int
count(const char *what)
{
	const char *p = w.log;
	int k = 0;

	while ((p = strstr(p, what)) != NULL) {
		k++;
		p += strlen(what);
	}
	return k;
}

/* The clock and the transaction. */
int64_t __wrap_clock_wall_ms(void) { return w.now_ms; }
enum api_err __wrap_db_begin(void) { note("begin"); return API_OK; }
enum api_err __wrap_db_commit(void) { note("commit"); return API_OK; }
void __wrap_db_rollback(void) { note("rollback"); }
int __wrap_db_rows(const struct db_res *r) { return r ? r->n : 0; }
const char *__wrap_db_val(const struct db_res *r, int row, int col)
{
	return r->v[row][col] ? r->v[row][col] : "";
}
void __wrap_db_free(struct db_res *r) { (void)r; }
void __wrap_cache_invalidate_availability(const char *car) { note("cache:%s", car); }
enum api_err __wrap_hooks_event(const char *type, const char *b)
{
	note("hook:%s:%s", type, b);
	return API_OK;
}
enum api_err __wrap_repo_outbox_add(const char *q, const char *job,
    const char *payload, const char *dedupe)
{
	(void)q; (void)payload;
	note("outbox:%s:%s", job, dedupe);
	return API_OK;
}
enum api_err __wrap_repo_outbox_reminder(const char *b)
{
	note("reminder:%s", b);
	return API_OK;
}
enum api_err __wrap_repo_booking_event(const char *b, const char *type,
    const char *actor, const char *actor_id, const char *details,
    const char *summary)
{
	(void)b; (void)actor_id; (void)details; (void)summary;
	note("event:%s:%s", type, actor);
	return API_OK;
}

/* The booking's repositories. */
enum api_err __wrap_repo_admin_booking_lock(const char *id, char *status,
    size_t slen, char *car, size_t clen, char *start, char *end)
{
	note("lock:%s", id);
	if (w.status[0] == '\0')
		return API_NOT_FOUND;
	snprintf(status, slen, "%s", w.status);
	snprintf(car, clen, "CAR");
	snprintf(start, 11, "2030-01-01");
	snprintf(end, 11, "2030-01-04");
	return API_OK;
}
enum api_err __wrap_repo_booking_cancel_own(const char *user,
    const char *booking, char *car, size_t clen, char *status, size_t slen)
{
	note("lock_own:%s:%s", user, booking);
	if (!w.own)
		return API_NOT_FOUND;
	snprintf(status, slen, "%s", w.status);
	snprintf(car, clen, "CAR");
	return API_OK;
}
enum api_err __wrap_repo_admin_booking_status(const char *id, const char *to)
{
	note("status:%s:%s", id, to);
	snprintf(w.status, sizeof w.status, "%s", to);
	return API_OK;
}
enum api_err __wrap_repo_booking_set_cancelled(const char *id)
{
	note("cancelled:%s", id);
	snprintf(w.status, sizeof w.status, "cancelled");
	return API_OK;
}
enum api_err __wrap_repo_admin_booking_book_days(const char *id,
    const char *car, const char *s, const char *e)
{
	(void)car; (void)s; (void)e;
	note("book_days:%s", id);
	return API_OK;
}
enum api_err __wrap_repo_admin_booking_release_after_today(const char *id)
{
	note("release_after_today:%s", id);
	return API_OK;
}
enum api_err __wrap_repo_admin_booking_dispute(const char *id, const char *r)
{
	(void)r;
	note("dispute:%s", id);
	return API_OK;
}
enum api_err __wrap_repo_booking_holds_due(const char *now, long limit,
    struct db_res **res)
{
	static struct db_res due;

	(void)limit;
	snprintf(w.holds_now, sizeof w.holds_now, "%s", now);
	due.n = 2;
	due.v[0][0] = "B1";
	due.v[1][0] = "B2";
	*res = &due;
	return API_OK;
}
enum api_err __wrap_repo_booking_hold_lapsed(const char *id, const char *now,
    char *status, size_t slen, char *car, size_t clen)
{
	(void)now;
	note("lapsed?:%s", id);
	/* B1 lapsed; B2 was paid between the query and its lock. */
	if (strcmp(id, "B2") == 0 || !w.lapsed)
		return API_NOT_FOUND;
	snprintf(status, slen, "pending_payment");
	snprintf(car, clen, "CAR");
	return API_OK;
}

/* The payment's repositories and PayPal. */
enum api_err __wrap_repo_payment_of_booking(const char *b, struct db_res **res)
{
	static char at[24];

	(void)b;
	memset(&w.res, 0, sizeof w.res);
	*res = &w.res;
	if (w.pay[0] == '\0')
		return API_OK;
	snprintf(at, sizeof at, "%lld", (long long)w.authorized_at);
	w.res.n = 1;
	w.res.v[0][0] = "P1";
	w.res.v[0][1] = w.pay;
	w.res.v[0][2] = "AUTH1";
	w.res.v[0][3] = "";
	w.res.v[0][4] = "100.00";
	w.res.v[0][5] = "100.00";
	w.res.v[0][6] = w.status;
	w.res.v[0][7] = "CAR";
	w.res.v[0][8] = at;
	return API_OK;
}
enum api_err __wrap_repo_payment_move(const char *p, const char *b,
    const char *status, const char *capture)
{
	(void)b; (void)capture;
	note("payment:%s:%s", p, status);
	snprintf(w.pay, sizeof w.pay, "%s", status);
	return API_OK;
}
enum api_err __wrap_repo_payment_capture_once(const char *p, const char *b,
    const char *capture, bool *moved, int64_t *cents, char *car, size_t clen)
{
	(void)b; (void)capture;
	*moved = w.capture_moves;
	*cents = 10000;
	snprintf(car, clen, "CAR");
	note("capture_once:%s:%d", p, (int)*moved);
	if (*moved)
		snprintf(w.pay, sizeof w.pay, "captured");
	return API_OK;
}
enum api_err __wrap_repo_payment_reauthorized(const char *p, const char *auth)
{
	note("reauthorized:%s:%s", p, auth);
	return API_OK;
}
enum api_err __wrap_repo_payments_due(long limit, struct db_res **res)
{
	(void)limit;
	memset(&w.res, 0, sizeof w.res);
	*res = &w.res;
	return API_OK;
}
enum api_err __wrap_repo_payments_unsettled(long limit, struct db_res **res)
{
	return __wrap_repo_payments_due(limit, res);
}
enum api_err __wrap_repo_booking_payable(const char *token, char *id,
    size_t idlen, char *status, size_t slen, char *pay, size_t plen,
    char *car, size_t clen, int64_t *cents)
{
	(void)token;
	snprintf(id, idlen, "B1");
	snprintf(status, slen, "%s", w.status);
	snprintf(pay, plen, "%s", w.pay[0] ? w.pay : "pending");
	snprintf(car, clen, "CAR");
	*cents = 10000;
	return API_OK;
}
enum api_err __wrap_repo_payment_authorized(const char *b, const char *o,
    const char *a, const char *amount)
{
	(void)o; (void)amount;
	note("authorized:%s:%s", b, a);
	return API_OK;
}
enum paypal_rc __wrap_paypal_reauthorize(const char *auth, int64_t cents,
    const char *rid, char *out, size_t len, struct paypal_why *why)
{
	(void)cents; (void)rid;
	memset(why, 0, sizeof *why);
	note("pp_reauthorize:%s", auth);
	if (w.reauth_rc == PAYPAL_REFUSED) {
		why->status = 422;
		snprintf(why->issue, sizeof why->issue, "REAUTHORIZATION_NOT_ALLOWED");
	}
	snprintf(out, len, "AUTH2");
	return w.reauth_rc;
}
enum paypal_rc __wrap_paypal_capture(const char *auth, int64_t cents,
    const char *rid, char *out, size_t len, struct paypal_why *why)
{
	(void)cents; (void)rid;
	memset(why, 0, sizeof *why);
	note("pp_capture:%s", auth);
	snprintf(out, len, "CAP1");
	return w.capture_rc;
}
enum paypal_rc __wrap_paypal_void(const char *auth, const char *rid,
    struct paypal_why *why)
{
	(void)rid;
	memset(why, 0, sizeof *why);
	note("pp_void:%s", auth);
	return w.void_rc;
}
enum paypal_rc __wrap_paypal_refund(const char *cap, int64_t cents,
    const char *rid, char *out, size_t len, struct paypal_why *why)
{
	(void)cents; (void)rid;
	memset(why, 0, sizeof *why);
	note("pp_refund:%s", cap);
	snprintf(out, len, "R1");
	return PAYPAL_OK;
}

#define NOW_S	1893456000LL	/* 2030-01-01T00:00:00Z */

static int
setup(void **state)
{
	(void)state;
	memset(&w, 0, sizeof w);
	w.now_ms = NOW_S * 1000;
	w.own = true;
	w.lapsed = 1;
	w.capture_moves = true;
	w.authorized_at = NOW_S - 3600;
	return 0;
}

static const struct booking_actor customer = { BOOKING_CUSTOMER, "U1" };
static const struct booking_actor admin = { BOOKING_ADMIN, "A1" };
static const struct booking_actor sys = { BOOKING_SYSTEM, NULL };

static void
call_done(struct call *c)
{
	json_object_put(c->err_details);
	c->err_details = NULL;
}

static const char *const statuses[] = { "pending_customer_action",
    "pending_payment", "pending_contract", "upcoming", "active",
    "post_rental_finalization", "completed", "disputed", "cancelled" };

static void
booking_can_move__every_pair__only_the_table_and_its_actors(void **state)
{
	static const unsigned who[] = { BOOKING_CUSTOMER, BOOKING_ADMIN,
	    BOOKING_SYSTEM };
	size_t i, j, k, r;
	int allowed = 0;

	(void)state;
	for (i = 0; i < 9; i++)
		for (j = 0; j < 9; j++)
			for (k = 0; k < 3; k++) {
				bool want = false;

				for (r = 0; r < booking_nrules; r++)
					if (strcmp(booking_rules[r].from, statuses[i]) == 0 &&
					    strcmp(booking_rules[r].to, statuses[j]) == 0)
						want = (booking_rules[r].who & who[k]) != 0;
				assert_int_equal(booking_can_move(statuses[i],
				    statuses[j], who[k]), want);
				allowed += want;
			}
	/* 16 moves, 28 (move, actor) pairs: anyone may cancel the four
	 * statuses before pickup. */
	assert_int_equal(booking_nrules, 16);
	assert_int_equal(allowed, 28);
}

static void
booking_can_move__terminal_and_late_cancels__refused(void **state)
{
	(void)state;
	assert_false(booking_can_move("cancelled", "upcoming", BOOKING_ADMIN));
	assert_false(booking_can_move("completed", "cancelled", BOOKING_ADMIN));
	assert_false(booking_can_move("active", "cancelled", BOOKING_CUSTOMER));
	assert_false(booking_can_move("active", "cancelled", BOOKING_ADMIN));
	assert_false(booking_can_move("disputed", "cancelled", BOOKING_CUSTOMER));
	assert_false(booking_can_move("pending_payment", "upcoming", BOOKING_ADMIN));
	assert_false(booking_can_move("upcoming", "active", BOOKING_CUSTOMER));
	assert_true(booking_can_move("pending_payment", "upcoming", BOOKING_SYSTEM));
	assert_true(booking_can_move("upcoming", "cancelled", BOOKING_CUSTOMER));
}

static void
booking_moves_from__admin_and_customer__in_table_order(void **state)
{
	struct json_object *a;

	(void)state;
	a = booking_moves_from("pending_payment", BOOKING_ADMIN);
	assert_string_equal(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN),
	    "[\"pending_contract\",\"cancelled\"]");
	json_object_put(a);
	a = booking_moves_from("upcoming", BOOKING_CUSTOMER);
	assert_string_equal(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN),
	    "[\"cancelled\"]");
	json_object_put(a);
	a = booking_moves_from("cancelled", BOOKING_ADMIN);
	assert_int_equal(json_object_array_length(a), 0);
	json_object_put(a);
}

static void
booking_move__each_admin_rule__its_effects(void **state)
{
	struct booking_moved m;
	struct call c;
	size_t r;

	(void)state;
	for (r = 0; r < booking_nrules; r++) {
		const char *to = booking_rules[r].to;

		if (!(booking_rules[r].who & BOOKING_ADMIN))
			continue;
		setup(NULL);
		memset(&c, 0, sizeof c);
		snprintf(w.status, sizeof w.status, "%s", booking_rules[r].from);
		assert_int_equal(booking_move(&c, &admin, "B1", to, "why",
		    "booking_status_changed", &m), API_OK);
		assert_string_equal(m.from, booking_rules[r].from);
		assert_string_equal(w.status, to);
		assert_int_equal(did("book_days:B1"), strcmp(to, "active") == 0 ||
		    strcmp(to, "upcoming") == 0);
		assert_int_equal(did("release_after_today:B1"),
		    strcmp(to, "completed") == 0);
		assert_int_equal(did("dispute:B1"), strcmp(to, "disputed") == 0);
		assert_int_equal(did("hook:booking.cancelled:B1"),
		    strcmp(to, "cancelled") == 0);
		assert_int_equal(did("outbox:booking_cancellation:"
		    "booking_cancellation:B1"), strcmp(to, "cancelled") == 0);
		/* Every other move asks for the reminder (kept only when due). */
		assert_int_equal(did("reminder:B1"), strcmp(to, "cancelled") != 0);
		assert_int_equal(count("event:"), 1);
		assert_true(did(":admin"));
	}
}

static void
booking_move__refused__400_allowed_transitions_and_no_write(void **state)
{
	struct booking_moved m;
	struct json_object *v;
	struct call c;

	(void)state;
	memset(&c, 0, sizeof c);
	snprintf(w.status, sizeof w.status, "completed");
	assert_int_equal(booking_move(&c, &admin, "B1", "active", NULL,
	    "booking_status_changed", &m), API_INVALID_REQUEST);
	assert_string_equal(c.err_message, "Invalid status transition");
	assert_true(json_object_object_get_ex(c.err_details, "allowedTransitions", &v));
	assert_string_equal(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
	    "[\"disputed\"]");
	assert_false(did("status:"));
	assert_false(did("event:"));
	assert_string_equal(w.status, "completed");
	call_done(&c);
}

static void
booking_move__unknown_booking__404(void **state)
{
	struct booking_moved m;
	struct call c;

	(void)state;
	memset(&c, 0, sizeof c);
	assert_int_equal(booking_move(&c, &admin, "B9", "active", NULL,
	    "booking_status_changed", &m), API_NOT_FOUND);
	assert_string_equal(c.err_message, "Booking not found");
}

static void
booking_cancel__customer_own_authorized__every_effect_and_void(void **state)
{
	struct booking_moved m;
	struct call c;

	(void)state;
	memset(&c, 0, sizeof c);
	snprintf(w.status, sizeof w.status, "upcoming");
	snprintf(w.pay, sizeof w.pay, "authorized");
	assert_int_equal(booking_cancel(&c, &customer, "B1", "Cancelled by customer",
	    &m), API_OK);
	assert_string_equal(m.from, "upcoming");
	assert_true(did("lock_own:U1:B1"));
	assert_true(did("cancelled:B1"));
	assert_true(did("event:booking_cancelled:customer"));
	assert_true(did("outbox:booking_cancellation:booking_cancellation:B1"));
	assert_true(did("hook:booking.cancelled:B1"));
	assert_true(did("commit;cache:CAR"));
	/* Settled after the commit: the authorization is voided. */
	assert_true(did("pp_void:AUTH1"));
	assert_true(did("payment:P1:voided"));
	assert_true(did("hook:payment.voided:B1"));
	assert_true(strstr(w.log, "cache:CAR") < strstr(w.log, "pp_void"));
}

static void
booking_cancel__customer_captured__refunded(void **state)
{
	struct booking_moved m;
	struct call c;

	(void)state;
	memset(&c, 0, sizeof c);
	snprintf(w.status, sizeof w.status, "upcoming");
	snprintf(w.pay, sizeof w.pay, "captured");
	assert_int_equal(booking_cancel(&c, &customer, "B1", NULL, &m), API_OK);
	assert_true(did("pp_refund:"));
	assert_true(did("payment:P1:refunded"));
	assert_true(did("hook:payment.refunded:B1"));
}

static void
booking_cancel__customer_after_pickup__400_nothing_written(void **state)
{
	struct booking_moved m;
	struct call c;

	(void)state;
	memset(&c, 0, sizeof c);
	snprintf(w.status, sizeof w.status, "active");
	assert_int_equal(booking_cancel(&c, &customer, "B1", NULL, &m),
	    API_INVALID_REQUEST);
	assert_string_equal(c.err_message, "This booking can no longer be cancelled");
	assert_null(c.err_details);
	assert_true(did("rollback"));
	assert_false(did("cancelled:"));
	assert_false(did("outbox:"));
	assert_false(did("commit"));
}

static void
booking_cancel__someone_elses__404(void **state)
{
	struct booking_moved m;
	struct call c;

	(void)state;
	memset(&c, 0, sizeof c);
	w.own = false;
	snprintf(w.status, sizeof w.status, "upcoming");
	assert_int_equal(booking_cancel(&c, &customer, "B1", NULL, &m), API_NOT_FOUND);
	assert_false(did("cancelled:"));
}

static void
booking_cancel__admin_disputed__same_effects(void **state)
{
	struct booking_moved m;
	struct call c;

	(void)state;
	memset(&c, 0, sizeof c);
	snprintf(w.status, sizeof w.status, "disputed");
	assert_int_equal(booking_cancel(&c, &admin, "B1", "Cancelled by admin", &m),
	    API_OK);
	assert_true(did("lock:B1"));
	assert_true(did("cancelled:B1"));
	assert_true(did("event:booking_cancelled:admin"));
	assert_true(did("outbox:booking_cancellation:booking_cancellation:B1"));
	assert_true(did("hook:booking.cancelled:B1"));
	assert_true(did("cache:CAR"));
}

static void
booking_cancel__admin_completed__400(void **state)
{
	struct booking_moved m;
	struct call c;

	(void)state;
	memset(&c, 0, sizeof c);
	snprintf(w.status, sizeof w.status, "completed");
	assert_int_equal(booking_cancel(&c, &admin, "B1", NULL, &m),
	    API_INVALID_REQUEST);
	assert_non_null(c.err_details);
	assert_false(did("cancelled:"));
	call_done(&c);
}

static void
booking_expire_holds__by_hold_until__cancels_the_lapsed_only(void **state)
{
	long n = -1;

	(void)state;
	assert_int_equal(booking_expire_holds(100, &n), API_OK);
	/* The deadline is compared with the clock, not the creation time. */
	assert_string_equal(w.holds_now, "2030-01-01T00:00:00Z");
	assert_int_equal(n, 1);
	assert_true(did("lapsed?:B1"));
	assert_true(did("lapsed?:B2"));
	assert_true(did("cancelled:B1"));
	assert_false(did("cancelled:B2"));
	assert_true(did("event:hold_expired:system"));
	assert_true(did("outbox:booking_cancellation:booking_cancellation:B1"));
	assert_true(did("hook:booking.cancelled:B1"));
	assert_false(did("hook:booking.cancelled:B2"));
	assert_int_equal(count("cache:CAR"), 1);
}

static void
booking_expire_holds__none_lapsed__nothing_cancelled(void **state)
{
	long n = -1;

	(void)state;
	w.lapsed = 0;
	assert_int_equal(booking_expire_holds(100, &n), API_OK);
	assert_int_equal(n, 0);
	assert_false(did("cancelled:"));
	assert_false(did("outbox:"));
}

static void
booking_hold_deadline__60_minutes__an_hour_after_the_clock(void **state)
{
	char out[40];

	(void)state;
	booking_hold_deadline(60, out, sizeof out);
	assert_string_equal(out, "2030-01-01T01:00:00Z");
}

static void
booking_capture__fresh_authorization__captured_once_with_receipt(void **state)
{
	struct booking_capture cap;

	(void)state;
	snprintf(w.status, sizeof w.status, "upcoming");
	snprintf(w.pay, sizeof w.pay, "authorized");
	assert_int_equal(booking_capture(&admin, "B1", &cap), API_OK);
	assert_int_equal(cap.rc, PAYPAL_OK);
	assert_false(cap.reauthorized);
	assert_true(cap.moved);
	assert_false(did("pp_reauthorize"));
	assert_true(did("pp_capture:AUTH1"));
	assert_true(did("event:payment_captured:admin"));
	assert_int_equal(count("outbox:payment_receipt:payment_receipt:B1"), 1);
	assert_int_equal(count("hook:payment.captured:B1"), 1);
	assert_true(did("reminder:B1"));	/* now upcoming: its reminder */
	assert_true(did("commit;cache:CAR"));
}

static void
booking_capture__past_honour_period__reauthorizes_then_captures_new(void **state)
{
	struct booking_capture cap;

	(void)state;
	snprintf(w.status, sizeof w.status, "upcoming");
	snprintf(w.pay, sizeof w.pay, "authorized");
	w.authorized_at = NOW_S - BOOKING_HONOUR_SECONDS - 60;
	assert_int_equal(booking_capture(&sys, "B1", &cap), API_OK);
	assert_true(cap.reauthorized);
	assert_true(did("pp_reauthorize:AUTH1"));
	/* Recorded and committed before the capture is tried. */
	assert_true(did("reauthorized:P1:AUTH2;event:payment_authorized:system;commit"));
	assert_true(strstr(w.log, "reauthorized:P1") < strstr(w.log, "pp_capture"));
	assert_true(did("capture_once:P1:1"));
}

static void
booking_capture__reauthorization_refused__booking_unchanged(void **state)
{
	struct booking_capture cap;

	(void)state;
	snprintf(w.status, sizeof w.status, "upcoming");
	snprintf(w.pay, sizeof w.pay, "authorized");
	w.authorized_at = NOW_S - 5 * 86400;
	w.reauth_rc = PAYPAL_REFUSED;
	assert_int_equal(booking_capture(&admin, "B1", &cap), API_OK);
	assert_int_equal(cap.rc, PAYPAL_REFUSED);
	assert_string_equal(cap.status, "authorized");
	assert_string_equal(cap.why.issue, "REAUTHORIZATION_NOT_ALLOWED");
	assert_false(did("pp_capture"));
	assert_false(did("payment:"));
	assert_false(did("reauthorized:"));
	assert_false(did("commit"));
	assert_string_equal(w.pay, "authorized");
	assert_string_equal(w.status, "upcoming");
}

static void
booking_capture__not_authorized__400(void **state)
{
	struct booking_capture cap;

	(void)state;
	snprintf(w.status, sizeof w.status, "upcoming");
	snprintf(w.pay, sizeof w.pay, "captured");
	assert_int_equal(booking_capture(&admin, "B1", &cap), API_INVALID_REQUEST);
	assert_string_equal(cap.status, "captured");
	assert_false(did("pp_capture"));
}

static void
booking_captured__already_captured_by_another_path__nothing_sent(void **state)
{
	char car[64] = "";
	bool moved = true;

	(void)state;
	w.capture_moves = false;
	assert_int_equal(booking_captured("P1", "B1", "CAP1", "webhook_paypal", NULL,
	    &moved, car, sizeof car), API_OK);
	assert_false(moved);
	assert_false(did("outbox:"));
	assert_false(did("hook:"));
	assert_false(did("event:"));
}

static void
booking_captured__first_path__receipt_hook_event(void **state)
{
	char car[64] = "";
	bool moved = false;

	(void)state;
	assert_int_equal(booking_captured("P1", "B1", "CAP1", "webhook_paypal", NULL,
	    &moved, car, sizeof car), API_OK);
	assert_true(moved);
	assert_string_equal(car, "CAR");
	assert_true(did("event:payment_captured:webhook_paypal"));
	assert_true(did("outbox:payment_receipt:payment_receipt:B1"));
	assert_true(did("hook:payment.captured:B1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(booking_can_move__every_pair__only_the_table_and_its_actors, setup),
		cmocka_unit_test_setup(booking_can_move__terminal_and_late_cancels__refused, setup),
		cmocka_unit_test_setup(booking_moves_from__admin_and_customer__in_table_order, setup),
		cmocka_unit_test_setup(booking_move__each_admin_rule__its_effects, setup),
		cmocka_unit_test_setup(booking_move__refused__400_allowed_transitions_and_no_write, setup),
		cmocka_unit_test_setup(booking_move__unknown_booking__404, setup),
		cmocka_unit_test_setup(booking_cancel__customer_own_authorized__every_effect_and_void, setup),
		cmocka_unit_test_setup(booking_cancel__customer_captured__refunded, setup),
		cmocka_unit_test_setup(booking_cancel__customer_after_pickup__400_nothing_written, setup),
		cmocka_unit_test_setup(booking_cancel__someone_elses__404, setup),
		cmocka_unit_test_setup(booking_cancel__admin_disputed__same_effects, setup),
		cmocka_unit_test_setup(booking_cancel__admin_completed__400, setup),
		cmocka_unit_test_setup(booking_expire_holds__by_hold_until__cancels_the_lapsed_only, setup),
		cmocka_unit_test_setup(booking_expire_holds__none_lapsed__nothing_cancelled, setup),
		cmocka_unit_test_setup(booking_hold_deadline__60_minutes__an_hour_after_the_clock, setup),
		cmocka_unit_test_setup(booking_capture__fresh_authorization__captured_once_with_receipt, setup),
		cmocka_unit_test_setup(booking_capture__past_honour_period__reauthorizes_then_captures_new, setup),
		cmocka_unit_test_setup(booking_capture__reauthorization_refused__booking_unchanged, setup),
		cmocka_unit_test_setup(booking_capture__not_authorized__400, setup),
		cmocka_unit_test_setup(booking_captured__already_captured_by_another_path__nothing_sent, setup),
		cmocka_unit_test_setup(booking_captured__first_path__receipt_hook_event, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
