/* openapi.h -- the OpenAPI 3.1 document of the route table: every route
 * with its parameters and request body (from its declared input), its
 * answer (the schema its .output names in contract/schemas.json), the
 * error envelope, security schemes, rate-limit and cache headers. */
#ifndef OPENAPI_H
#define OPENAPI_H

#include "buf.h"

/* Append the document (JSON) to out.  Returns 0, or -1 when a route
 * names a schema the contract lacks. */
int openapi_document(struct buf *out);

#endif
