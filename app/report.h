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
/* Process report job (data {"reportId"}), reporting its progress on the
 * report and the job.  Returns QUEUE_DONE when done (a failed report
 * records why; or the report is gone), QUEUE_FAIL with err when the job
 * names no report, else QUEUE_RETRY with err. */
enum queue_outcome report_job(const struct queue_job *job, char *err,
    size_t errlen);

#endif
