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
 * stripped, recorded on the upload and on the car images that name it,
 * reporting progress by variant.  Returns QUEUE_DONE when done (or the
 * upload is gone or done, or the image was refused for good: recorded
 * on the upload); QUEUE_FAIL with err when the job names no valid path;
 * else QUEUE_RETRY with err. */
enum queue_outcome image_job(const struct queue_job *job, char *err,
    size_t errlen);

#endif
