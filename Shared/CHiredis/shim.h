#ifndef STYLECAST_CHIREDIS_SHIM_H
#define STYLECAST_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
