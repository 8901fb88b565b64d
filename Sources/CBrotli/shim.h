#ifndef FIXLOOP_CBROTLI_SHIM_H
#define FIXLOOP_CBROTLI_SHIM_H
// Debian's libbrotli-dev: the streaming decoder for PostHog batch exports written with brotli, and the encoder,
// which only tests use to write such files.
#include <brotli/decode.h>
#include <brotli/encode.h>
#endif
