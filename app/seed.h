/* seed.h -- development and benchmark data. */
#ifndef SEED_H
#define SEED_H

/* Load sql/seed/seed.sql from dir (with the accounts it expects) unless
 * cars exist already; with scale > 0, add that many generated cars with a
 * year of bookings (sql/seed/scale.sql) instead.  Outside development the
 * accounts need SEED_PASSWORD: without it, 2 before the database is
 * touched.  Returns the exit status. */
int seed_run(const char *dir, long scale);

#endif
