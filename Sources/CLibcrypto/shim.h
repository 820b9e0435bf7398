// OpenSSL's libcrypto, for SHA-256 only (SurelCore/SHA256.swift is the one place that imports it).
#ifndef SUREL_CLIBCRYPTO_SHIM_H
#define SUREL_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
