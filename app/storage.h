/* storage.h -- uploaded files under UPLOAD_DIR, by storage path
 * ("{seg}/{seg}.{ext}", seg = [A-Za-z0-9_-]+).  The web server serves
 * UPLOAD_DIR at UPLOAD_URL. */
#ifndef STORAGE_H
#define STORAGE_H

#include <stdbool.h>
#include <stddef.h>

/* True when path is a storage path: no "..", no "./", no leading "/",
 * already normalised, and exactly seg/seg.(jpg|jpeg|png|webp). */
bool storage_path_ok(const char *path);
/* The file name of storage path (or of its variant "{path-stem}-{w}.{ext}")
 * under UPLOAD_DIR into out.  Returns 0, or -1 when it does not fit. */
int storage_file(const char *path, char *out, size_t len);
/* The public URL of storage path into out. */
void storage_url(const char *path, char *out, size_t len);
/* Store len bytes at storage path, never over an existing file (0o644,
 * directories made as needed).  Returns 0, or -1 with errno set. */
int storage_save(const char *path, const void *data, size_t len);
/* Remove storage path.  A missing file counts as removed.  Returns 0/-1. */
int storage_remove(const char *path);

#endif
