/* Rows written straight into the test database as its owner, for tests that need people and
 * organisations to exist without going through other resources' endpoints. Every returned id
 * is a malloc'd string the caller frees (NULL when the insert failed). Names and identifiers
 * are unique per call, so tests sharing the database never collide. */
#ifndef TC_SEED_H
#define TC_SEED_H

/* The first column of the first row of sql as text, or NULL. */
char *tc_seed_text(const char *sql);
/* A personal adviser. */
char *tc_seed_adviser(void);
/* A care leaver allocated to adviser_id (NULL: unallocated) born on dob (YYYY-MM-DD). */
char *tc_seed_care_leaver(const char *adviser_id, const char *dob);
/* A partner organisation of kind (employer, college, housing_provider, ...). */
char *tc_seed_partner(const char *kind);

#endif
