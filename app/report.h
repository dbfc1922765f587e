/* report.h -- the report worker: builds an admin's CSV report, row by
 * row, recording its progress. */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "queue.h"

/* Append field to the CSV row in out: quoted when it holds a comma,
 * quote or line break; a leading = + - @ (a spreadsheet formula) is
 * defused with a quote mark.  first: no separator before it. */
void report_csv_field(struct buf *out, const char *field, bool first);
/* Process report job (data {"reportId"}).  Returns true when done (or
 * when the report is gone), else false with err (retried). */
bool report_job(const struct queue_job *job, char *err, size_t errlen);

#endif
