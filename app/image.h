/* image.h -- the image worker: resized variants of an upload (libvips;
 * the only module that uses it). */
#ifndef IMAGE_H
#define IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "queue.h"

#define IMAGE_MAX_PIXELS	(50L * 1000 * 1000)	/* larger: refused */

/* Process image job (data {"path"}): 400, 800 and 1600 px wide variants
 * (never upscaled; the 400 one always), each as JPEG and WebP, metadata
 * stripped, recorded on the upload and on the car images that name it.
 * Returns true when done (or refused for good, recorded as failed),
 * else false with err (retried). */
bool image_job(const struct queue_job *job, char *err, size_t errlen);

#endif
