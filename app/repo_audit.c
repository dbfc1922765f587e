/* repo_audit.c -- the admin audit log: appended by the dispatcher, read by
 * admins.  Rows are never changed (sql/roles.sql). */
#include "config.h"

#include "db.h"
#include "repo.h"

enum api_err
repo_audit_add(const struct repo_audit_row *a)
{
	const char *p[9] = { a->actor, a->action, a->target, a->before,
	    a->after, a->trace_id, a->client_ip, a->method, a->path };

	return db_exec("INSERT INTO admin_audit_log (actor_id, action, target,"
	    " before_state, after_state, trace_id, client_ip, method, path)"
	    " VALUES ($1::uuid, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9)",
	    9, p);
}

enum api_err
repo_audit_list(const char *const p[REPO_AUDIT_NQ], struct db_res **res,
    const char **json)
{
	return repo_json("WITH f AS (SELECT a.*, u.email FROM admin_audit_log a"
	    "  LEFT JOIN users u ON u.id = a.actor_id"
	    "  WHERE ($3::uuid IS NULL OR a.actor_id = $3::uuid)"
	    "  AND ($4::text IS NULL OR a.action = $4)"
	    "  AND ($5::text IS NULL OR a.target = $5)"
	    "  AND ($6::date IS NULL OR a.created_at >= $6::date)"
	    "  AND ($7::date IS NULL OR a.created_at < $7::date + 1)),"
	    " t AS (SELECT count(*) AS n FROM f),"
	    " pg AS (SELECT * FROM f ORDER BY seq DESC"
	    "  OFFSET ($1::int - 1) * $2::int LIMIT $2::int)"
	    "SELECT json_build_object('success', true, 'entries', COALESCE((SELECT"
	    " json_agg(json_build_object('id', id, 'adminId', actor_id,"
	    " 'adminEmail', email, 'action', action, 'target', target,"
	    " 'before', before_state, 'after', after_state, 'traceId', trace_id,"
	    " 'clientIp', client_ip, 'method', method, 'path', path,"
	    " 'createdAt', created_at) ORDER BY seq DESC) FROM pg), '[]'),"
	    " 'pagination', json_build_object('page', $1::int, 'limit', $2::int,"
	    "  'total', t.n, 'totalPages', ceil(t.n::numeric / $2::int)::int))::text"
	    " FROM t", REPO_AUDIT_NQ, p, res, json);
}
