/* mail.h -- the emails: templates rendered with Mustache, a MIME
 * message, SMTP submission, the delivery recorded in PostgreSQL. */
#ifndef MAIL_H
#define MAIL_H

#include <stddef.h>

#include "apierr.h"
#include "buf.h"

struct json_object;

/* Compose the email kind (templates/README.md lists them) from data d:
 * its variables completed by template_email_vars() (d is changed), then
 * its subject line, TEMPLATE_DIR/kind.html and kind.txt rendered into
 * subject, html and text.  Returns 0, or -1 with err (an unknown kind, a
 * missing template). */
int mail_compose(const char *kind, struct json_object *d, struct buf *subject,
    struct buf *html, struct buf *text, char *err, size_t errlen);
/* Build a multipart/alternative message into out.  Header values lose
 * any CR, LF or other control character (no header injection). */
void mail_message(const char *from, const char *to, const char *reply_to,
    const char *subject, const char *message_id, const char *html,
    const char *text, struct buf *out);
/* Send the email kind (templates/README.md lists them) that email job
 * job_id carries, with a Message-ID made from job_id so a retried job is
 * recognisable, and record it in email_events.  With RESEND_API_KEY set
 * it goes through Resend's API instead of SMTP, tagged booking_id and
 * email_type, recorded with Resend's email id.  job_data is JSON:
 * {bookingId, vars?, to?, test?, reason?, actor?, cancellationFee?}
 * (the booking's data, vars overlaid; test: sent to "to", not recorded
 * on the booking; a cancellation's reason, actor "customer" and fee) or {to, replyTo?,
 * vars} (no booking).  Returns API_OK, or an error with err: for good
 * API_VALIDATION_ERROR (an unknown kind, job data that is not an
 * object), API_NOT_FOUND (no such booking) or API_CONFLICT (no
 * recipient, or the provider refused it with a 4xx); else the failure
 * may pass (the job is retried). */
enum api_err mail_send(const char *kind, const char *job_data,
    const char *job_id, char *err, size_t errlen);

#endif
