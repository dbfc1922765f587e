/* repo.c -- what every repository shares. */
#include "config.h"

#include "db.h"
#include "repo.h"

enum api_err
repo_json(const char *sql, int n, const char *const *p, struct db_res **res,
    const char **json)
{
	enum api_err e = db_query(sql, n, p, res);

	if (e != API_OK)
		return e;
	if (db_rows(*res) != 1 || (*json = db_val(*res, 0, 0)) == NULL)
		return API_NOT_FOUND;
	return API_OK;
}
