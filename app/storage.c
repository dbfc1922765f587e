/* storage.c -- files under UPLOAD_DIR. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "storage.h"

/* Length of the run of [A-Za-z0-9_-] at s. */
static size_t
storage_seg(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-");
}

bool
storage_path_ok(const char *path)
{
	static const char *const exts[] = { "jpg", "jpeg", "png", "webp" };
	size_t a, b, i;

	/* The grammar leaves no room for "..", "./", "/" first or "//". */
	if ((a = storage_seg(path)) == 0 || a > 100 || path[a] != '/')
		return false;
	path += a + 1;
	if ((b = storage_seg(path)) == 0 || b > 100 || path[b] != '.')
		return false;
	for (i = 0; i < sizeof exts / sizeof exts[0]; i++)
		if (strcmp(path + b + 1, exts[i]) == 0)
			return true;
	return false;
}

int
storage_file(const char *path, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/%s", conf->upload_dir, path);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

void
storage_url(const char *path, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", conf->upload_url, path);
}

/* Make the directory of file name f (one level below UPLOAD_DIR). */
static int
storage_mkdir(const char *f)
{
	char dir[1024];
	const char *slash = strrchr(f, '/');

	if (slash == NULL || (size_t)(slash - f) >= sizeof dir)
		return -1;
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - f), f);
	if (mkdir(conf->upload_dir, 0755) != 0 && errno != EEXIST)
		return -1;
	return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int
storage_save(const char *path, const void *data, size_t len)
{
	char f[1024], tmp[1100];
	const char *p = data;
	ssize_t n;
	int fd, rc = -1;

	if (storage_file(path, f, sizeof f) != 0 || storage_mkdir(f) != 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.part-%d", f, (int)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
		return -1;
	while (len > 0 && (n = write(fd, p, len)) > 0)
		p += n, len -= (size_t)n;
	/* Whole and durable, then linked in: link() never replaces a file. */
	if (len == 0 && fsync(fd) == 0 && close(fd) == 0) {
		fd = -1;
		rc = link(tmp, f);
	}
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return rc;
}

int
storage_remove(const char *path)
{
	char f[1024];

	if (storage_file(path, f, sizeof f) != 0)
		return -1;
	return unlink(f) == 0 || errno == ENOENT ? 0 : -1;
}
