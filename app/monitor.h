/* monitor.h -- `exodrive monitor` (see monitor.c). */
#ifndef MONITOR_H
#define MONITOR_H

#include <stdbool.h>

/* Run every check; print the failed ones (all with report_all), as text
 * or JSON; alert MONITOR_WEBHOOK_URL when one failed.  Returns the exit
 * status: 0 all passed, 1 an alert. */
int monitor_run(bool report_all, bool json);

#endif
