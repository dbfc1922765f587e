/* contract_ts.h -- the TypeScript contract of the route table (see
 * contract_ts.c): `exodrive contract-ts`. */
#ifndef CONTRACT_TS_H
#define CONTRACT_TS_H

#include "buf.h"

/* Append the module to out.  Returns 0, or -1 when the contract's schemas
 * do not parse. */
int contract_ts(struct buf *out);

#endif
