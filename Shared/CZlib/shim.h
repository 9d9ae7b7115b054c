#ifndef STYLECAST_CZLIB_SHIM_H
#define STYLECAST_CZLIB_SHIM_H
/* Debian's zlib1g-dev: inflate (gzip and zlib streams), deflate and crc32. */
#include <zlib.h>
#endif
