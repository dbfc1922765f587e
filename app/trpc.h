/* trpc.h -- the tRPC endpoint (wire protocol of @trpc/client 10 and 11).
 *
 * A procedure is a route of the route table named by its operation
 * ("car.byId"): GET routes are queries, the others mutations.  Each call
 * runs through the dispatcher as an internal request to its REST twin, so
 * it gets the same auth, input validation, rate limit (each batch item
 * counts) and cache.  The input object's members fill the twin's path
 * and query parameters; a mutation's other members are its JSON body.
 * /trpc/{procedures} speaks plain JSON; /trpc/superjson/{procedures}
 * unwraps superjson inputs ({json, meta}: Date and undefined) and wraps
 * its outputs.  Answers use the v11 shapes; never a stack. */
#ifndef TRPC_H
#define TRPC_H

#include "route.h"

enum api_err trpc_call(struct call *c);
enum api_err trpc_call_superjson(struct call *c);
/* An error the dispatcher met before the call ran (bad body, wrong
 * method), as one tRPC error object. */
void trpc_render_error(struct call *c, enum api_err err, const char *message);
/* True when route rt is a procedure: JSON routes a client calls with a
 * token (not uploads, provider webhooks, pages or the document). */
bool trpc_procedure(const struct route *rt);
/* The tRPC code and JSON-RPC number of an HTTP status (e.g. 404:
 * "NOT_FOUND", -32004). */
const char *trpc_code(int status, int *rpc);

#endif
